"""Tables for notices and their version history."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Department, User
from portal.core.classification import PUBLIC_FIELD, Level, classified
from portal.core.timefmt import utcnow
from portal.extensions import Model
from portal.public_content import public_content

NOTICE_KINDS = ("通知公告", "警务动态")


class NoticeStatus(StrEnum):
    """Life cycle of a notice: draft → published → withdrawn (and back to draft)."""

    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        """Status in Chinese."""
        return {"draft": "草稿", "published": "已发布", "withdrawn": "已撤回"}[self.value]


@public_content
class Notice(Model):
    """A notice; visible to the public when published and its publish time has come."""

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_status_publish_at", "status", "publish_at"),)

    # Undeclared fields (review date, author, created) are internal.
    id: Mapped[int] = mapped_column(primary_key=True, info=PUBLIC_FIELD)
    slug: Mapped[str | None] = mapped_column(String(80), unique=True, info=PUBLIC_FIELD)
    title: Mapped[str] = mapped_column(String(200), info=classified(Level.PUBLIC, free_text=True))
    kind: Mapped[str] = mapped_column(String(16), info=PUBLIC_FIELD)
    # Staff may mark spans as withheld (区分处理) and names as private; see core/withhold.py.
    body_md: Mapped[str] = mapped_column(Text, info=classified(Level.PUBLIC, markdown=True))
    status: Mapped[str] = mapped_column(String(16), default=NoticeStatus.DRAFT.value, info=PUBLIC_FIELD)
    publish_at: Mapped[datetime | None] = mapped_column(info=PUBLIC_FIELD)
    review_due_on: Mapped[date | None] = mapped_column(index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True, info=PUBLIC_FIELD)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1, info=PUBLIC_FIELD)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, info=PUBLIC_FIELD)

    department: Mapped[Department] = relationship(lazy="joined", info=PUBLIC_FIELD)
    author: Mapped[User | None] = relationship()
    versions: Mapped[list[NoticeVersion]] = relationship(
        order_by="NoticeVersion.version.desc()", cascade="all, delete-orphan"
    )

    @property
    def status_enum(self) -> NoticeStatus:
        """The status as a :class:`NoticeStatus`."""
        return NoticeStatus(self.status)

    def is_public(self, now: datetime) -> bool:
        """True when the public may read the notice at ``now`` (naive UTC)."""
        return (
            self.status == NoticeStatus.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= now
        )


@public_content
class NoticeVersion(Model):
    """The text of a notice at one version, with who saved it and when."""

    __tablename__ = "notice_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    body_md: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()
