"""The append-only, hash-chained audit log, the head of its chain and its daily checkpoints."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.classification import PUBLIC_FIELD
from portal.core.timefmt import utcnow
from portal.extensions import Model
from portal.public_content import public_content


class AuditEvent(Model):
    """One action by a user (or the system) on one record, chained to the one before.

    ``seq`` numbers the chain without gaps; ``hash`` covers this row's content and the
    previous row's hash, so altering or removing any row breaks every link after it.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str] = mapped_column(String(32), default="")
    target_id: Mapped[str] = mapped_column(String(64), default="", index=True)
    remote_addr: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    user: Mapped[User | None] = relationship(lazy="joined")


class AuditChainHead(Model):
    """The single row holding the chain's last sequence number and hash (the append lock)."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(default=0)
    hash: Mapped[str] = mapped_column(String(64), default="0" * 64)


@public_content
class AuditCheckpoint(Model):
    """The chain's head as it stood on one day, published so a later rewrite can be detected.

    One row per local day (the unique ``day`` makes a second run, or a second machine, a no-op).
    Every field is public: a checkpoint holds hashes and counts, never the events themselves.
    """

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True, info=PUBLIC_FIELD)
    day: Mapped[date] = mapped_column(unique=True, info=PUBLIC_FIELD)
    seq: Mapped[int] = mapped_column(info=PUBLIC_FIELD)
    row_count: Mapped[int] = mapped_column(info=PUBLIC_FIELD)
    head_hash: Mapped[str] = mapped_column(String(64), info=PUBLIC_FIELD)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=PUBLIC_FIELD)
