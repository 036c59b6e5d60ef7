"""Tables for service categories, guides, their fee items and their version history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Department, User
from portal.core.timefmt import utcnow
from portal.extensions import db


class LimitUnit(StrEnum):
    """How a time limit is counted."""

    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"

    @property
    def label(self) -> str:
        """Unit as shown to citizens."""
        return "个工作日" if self is LimitUnit.WORKING_DAYS else "日（自然日）"


class Category(db.Model):
    """A group of guides shown together (户政, 出入境, ...)."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(255), default="")
    position: Mapped[int] = mapped_column(default=0)


class Guide(db.Model):
    """One service item (事项) with every element a citizen needs to get it done."""

    __tablename__ = "guides"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    item_type: Mapped[str] = mapped_column(String(32))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    agency: Mapped[str] = mapped_column(String(200))
    basis: Mapped[list[str]] = mapped_column(JSON, default=list)
    conditions: Mapped[str] = mapped_column(Text, default="")
    materials: Mapped[list[str]] = mapped_column(JSON, default=list)
    steps: Mapped[list[str]] = mapped_column(JSON, default=list)
    statutory_days: Mapped[int | None]
    statutory_unit: Mapped[str | None] = mapped_column(String(16))
    promised_days: Mapped[int]
    promised_unit: Mapped[str] = mapped_column(String(16))
    promised_is_example: Mapped[bool] = mapped_column(default=False)
    location: Mapped[str] = mapped_column(String(255))
    hours: Mapped[str] = mapped_column(String(255))
    phone: Mapped[str] = mapped_column(String(64))
    complaint_phone: Mapped[str] = mapped_column(String(64))
    online: Mapped[bool] = mapped_column(default=False, index=True)
    visits: Mapped[int] = mapped_column(default=1)
    reviewed_on: Mapped[date]
    review_due_on: Mapped[date] = mapped_column(index=True)
    local_note: Mapped[str] = mapped_column(Text, default="")
    faq: Mapped[list[dict]] = mapped_column(JSON, default=list)
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    is_free: Mapped[bool] = mapped_column(default=True, index=True)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    category: Mapped[Category] = relationship(lazy="joined")
    department: Mapped[Department] = relationship(lazy="joined")
    fees: Mapped[list[GuideFee]] = relationship(
        order_by="GuideFee.position", cascade="all, delete-orphan", lazy="selectin"
    )
    versions: Mapped[list[GuideVersion]] = relationship(
        order_by="GuideVersion.version.desc()", cascade="all, delete-orphan", lazy="select"
    )

    @property
    def statutory_label(self) -> str:
        """The statutory limit as text, or a note that no law fixes one."""
        if self.statutory_days is None or self.statutory_unit is None:
            return "法律法规未作规定"
        return f"{self.statutory_days} {LimitUnit(self.statutory_unit).label}"

    @property
    def promised_label(self) -> str:
        """The promised limit as text (0 days reads as 当场办结)."""
        if self.promised_days == 0:
            return "当场办结"
        return f"{self.promised_days} {LimitUnit(self.promised_unit).label}"


class GuideFee(db.Model):
    """One fee item of a guide; 免费 is an amount of 0 with its legal basis."""

    __tablename__ = "guide_fees"

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guides.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    item: Mapped[str] = mapped_column(String(200))
    amount_yuan: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    basis: Mapped[str] = mapped_column(String(255))


class GuideVersion(db.Model):
    """A guide as it stood at one version: who changed which fields, and when."""

    __tablename__ = "guide_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guides.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    snapshot: Mapped[dict] = mapped_column(JSON)
    changed_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(16))  # "content" or "staff"
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")
