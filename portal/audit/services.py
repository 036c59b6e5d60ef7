"""Writing audit events: every service that changes state, and every view of personal data."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.audit.chain import GENESIS, row_hash
from portal.audit.models import AuditChainHead, AuditEvent
from portal.core.timefmt import utcnow
from portal.extensions import db


def next_link() -> tuple[int, str]:
    """Take the chain's next sequence number and the previous hash, under the head row's lock.

    The UPDATE comes first so the row is locked (PostgreSQL) or the write lock taken (SQLite)
    before the previous hash is read: concurrent appends queue instead of forking the chain.
    """
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(AuditChainHead).values(id=1, seq=0, hash=GENESIS)
                       .on_conflict_do_nothing())
    seq, prev = db.session.execute(
        update(AuditChainHead).where(AuditChainHead.id == 1)
        .values(seq=AuditChainHead.seq + 1).returning(AuditChainHead.seq, AuditChainHead.hash)
    ).one()
    return seq, prev


def record(
    action: str,
    *,
    user_id: int | None,
    target_type: str = "",
    target_id: object = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an audit event to the chain in the current transaction (committed with it)."""
    seq, prev = next_link()
    event = AuditEvent(
        seq=seq, prev_hash=prev, created_at=utcnow(), action=action, user_id=user_id,
        target_type=target_type, target_id=str(target_id)[:64],
        remote_addr=(request.remote_addr or "") if has_request_context() else "cli",
        detail=detail or {},
    )
    event.hash = row_hash(event)
    db.session.add(event)
    db.session.execute(update(AuditChainHead).where(AuditChainHead.id == 1).values(hash=event.hash))
    return event
