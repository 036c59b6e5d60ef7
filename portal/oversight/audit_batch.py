"""Appending many audit events of one action at once (the sweep marks thousands of matters).

Same chain and the same locking as :func:`portal.audit.services.record`: the head row is taken
with its UPDATE first (so concurrent appends queue), the sequence numbers are reserved in one
step, each row's hash covers the previous one, and the head ends on the last hash. The rows go
to the database in multi-row INSERTs instead of one round trip per event.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from sqlalchemy import insert, update

from portal.audit.chain import row_hash
from portal.audit.models import AuditChainHead, AuditEvent
from portal.audit.services import next_link
from portal.core.timefmt import utcnow
from portal.extensions import db

BATCH = 2000


def record_each(action: str, targets: list[tuple[str, str, dict[str, Any]]]) -> int:
    """Append one system event ``action`` per ``(target_type, target_id, detail)``; return how many."""
    for start in range(0, len(targets), BATCH):
        _append(action, targets[start:start + BATCH])
    return len(targets)


def _append(action: str, targets: list[tuple[str, str, dict[str, Any]]]) -> None:
    seq, prev = next_link()  # locks the head and takes the first number
    address = (request.remote_addr or "") if has_request_context() else "cli"
    now, rows = utcnow(), []
    for offset, (target_type, target_id, detail) in enumerate(targets):
        event = AuditEvent(seq=seq + offset, prev_hash=prev, created_at=now, action=action, user_id=None,
                           target_type=target_type, target_id=str(target_id)[:64], remote_addr=address,
                           detail=detail)
        prev = row_hash(event)
        rows.append({"seq": event.seq, "prev_hash": event.prev_hash, "created_at": now, "action": action,
                     "user_id": None, "target_type": target_type, "target_id": event.target_id,
                     "remote_addr": address, "detail": detail, "hash": prev})
    db.session.execute(insert(AuditEvent), rows)
    db.session.execute(update(AuditChainHead).where(AuditChainHead.id == 1)
                       .values(seq=seq + len(targets) - 1, hash=prev))
