"""The register of withheld spans (区分处理), one row per marked span of a text."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.timefmt import utcnow
from portal.extensions import Model
from portal.public_content import public_content


@public_content
class WithheldMark(Model):
    """A span of ``target_type``/``target_id``'s ``field`` withheld for ``reason_code``.

    Internal: the withheld words themselves are here, so nothing of it is public.
    """

    __tablename__ = "withheld_marks"
    __table_args__ = (Index("ix_withheld_marks_target", "target_type", "target_id", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int]
    field: Mapped[str] = mapped_column(String(64))
    reason_code: Mapped[str] = mapped_column(String(32))
    content: Mapped[str] = mapped_column(Text)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)

    marked_by: Mapped[User | None] = relationship(lazy="joined")
