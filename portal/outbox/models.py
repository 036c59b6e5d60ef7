"""The outbox table: one row per message to deliver, with its retry and lease state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.classification import INTERNAL_FIELD
from portal.core.timefmt import utcnow
from portal.extensions import Model


class OutboxMessage(Model):
    """An e-mail waiting to be sent, sent (``sent_at`` set) or given up (``next_attempt_at`` far away).

    ``claimed_until`` is a worker's lease: while it lies in the future no other worker picks the
    row. Every field is internal: recipients' addresses and message bodies are never published.
    """

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True, info=INTERNAL_FIELD)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=INTERNAL_FIELD)
    recipient: Mapped[str] = mapped_column(String(254), info=INTERNAL_FIELD)
    subject: Mapped[str] = mapped_column(String(200), info=INTERNAL_FIELD)
    body: Mapped[str] = mapped_column(Text, info=INTERNAL_FIELD)
    # Enqueueing the same key twice yields one message, e.g. "request:17:receipt".
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True, info=INTERNAL_FIELD)
    attempts: Mapped[int] = mapped_column(default=0, info=INTERNAL_FIELD)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True, info=INTERNAL_FIELD)
    sent_at: Mapped[datetime | None] = mapped_column(index=True, info=INTERNAL_FIELD)
    last_error: Mapped[str] = mapped_column(String(500), default="", info=INTERNAL_FIELD)
    claimed_until: Mapped[datetime | None] = mapped_column(info=INTERNAL_FIELD)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.dedupe_key!r}>"
