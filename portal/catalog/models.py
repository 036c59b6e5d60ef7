"""Tables for service categories, guides, their fee items and their version history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Department, User
from portal.core.classification import PUBLIC_FIELD, Level, classified, disclosed_property
from portal.core.timefmt import utcnow
from portal.extensions import Model
from portal.public_content import public_content


class LimitUnit(StrEnum):
    """How a time limit is counted."""

    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"

    @property
    def label(self) -> str:
        """Unit as shown to citizens."""
        return "个工作日" if self is LimitUnit.WORKING_DAYS else "日（自然日）"


@public_content
class Category(Model):
    """A group of guides shown together (户政, 出入境, ...)."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True, info=PUBLIC_FIELD)
    code: Mapped[str] = mapped_column(String(32), unique=True, info=PUBLIC_FIELD)
    name: Mapped[str] = mapped_column(String(64), info=PUBLIC_FIELD)
    description: Mapped[str] = mapped_column(String(255), default="", info=PUBLIC_FIELD)
    position: Mapped[int] = mapped_column(default=0, info=PUBLIC_FIELD)


@public_content
class Guide(Model):
    """One service item (事项) with every element a citizen needs to get it done."""

    __tablename__ = "guides"

    # Guides are public by nature; prose fields are still masked for personal data.
    id: Mapped[int] = mapped_column(primary_key=True, info=PUBLIC_FIELD)
    slug: Mapped[str] = mapped_column(String(80), unique=True, info=PUBLIC_FIELD)
    title: Mapped[str] = mapped_column(String(120), info=classified(Level.PUBLIC, free_text=True))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True, info=PUBLIC_FIELD)
    item_type: Mapped[str] = mapped_column(String(32), info=PUBLIC_FIELD)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True, info=PUBLIC_FIELD)
    agency: Mapped[str] = mapped_column(String(200), info=classified(Level.PUBLIC, free_text=True))
    basis: Mapped[list[str]] = mapped_column(JSON, default=list, info=classified(Level.PUBLIC, free_text=True))
    conditions: Mapped[str] = mapped_column(Text, default="", info=classified(Level.PUBLIC, free_text=True))
    materials: Mapped[list[str]] = mapped_column(JSON, default=list, info=classified(Level.PUBLIC, free_text=True))
    steps: Mapped[list[str]] = mapped_column(JSON, default=list, info=classified(Level.PUBLIC, free_text=True))
    statutory_days: Mapped[int | None] = mapped_column(info=PUBLIC_FIELD)
    statutory_unit: Mapped[str | None] = mapped_column(String(16), info=PUBLIC_FIELD)
    promised_days: Mapped[int] = mapped_column(info=PUBLIC_FIELD)
    promised_unit: Mapped[str] = mapped_column(String(16), info=PUBLIC_FIELD)
    promised_is_example: Mapped[bool] = mapped_column(default=False, info=PUBLIC_FIELD)
    location: Mapped[str] = mapped_column(String(255), info=classified(Level.PUBLIC, free_text=True))
    hours: Mapped[str] = mapped_column(String(255), info=classified(Level.PUBLIC, free_text=True))
    # The unit's own contact numbers: published as they are (not a person's data).
    phone: Mapped[str] = mapped_column(String(64), info=PUBLIC_FIELD)
    complaint_phone: Mapped[str] = mapped_column(String(64), info=PUBLIC_FIELD)
    online: Mapped[bool] = mapped_column(default=False, index=True, info=PUBLIC_FIELD)
    visits: Mapped[int] = mapped_column(default=1, info=PUBLIC_FIELD)
    reviewed_on: Mapped[date] = mapped_column(info=PUBLIC_FIELD)
    review_due_on: Mapped[date] = mapped_column(index=True)  # internal: staff reminder
    local_note: Mapped[str] = mapped_column(Text, default="", info=classified(Level.PUBLIC, free_text=True))
    faq: Mapped[list[dict]] = mapped_column(JSON, default=list, info=classified(Level.PUBLIC, free_text=True))
    body_md: Mapped[str] = mapped_column(Text, default="", info=classified(Level.PUBLIC, markdown=True))
    is_free: Mapped[bool] = mapped_column(default=True, index=True, info=PUBLIC_FIELD)
    version: Mapped[int] = mapped_column(default=1, info=PUBLIC_FIELD)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, info=PUBLIC_FIELD)

    category: Mapped[Category] = relationship(lazy="joined", info=PUBLIC_FIELD)
    department: Mapped[Department] = relationship(lazy="joined", info=PUBLIC_FIELD)
    fees: Mapped[list[GuideFee]] = relationship(
        order_by="GuideFee.position", cascade="all, delete-orphan", lazy="selectin", info=PUBLIC_FIELD
    )
    versions: Mapped[list[GuideVersion]] = relationship(
        order_by="GuideVersion.version.desc()", cascade="all, delete-orphan", lazy="select"
    )

    @disclosed_property(Level.PUBLIC)
    def statutory_label(self) -> str:
        """The statutory limit as text, or a note that no law fixes one."""
        if self.statutory_days is None or self.statutory_unit is None:
            return "法律法规未作规定"
        return f"{self.statutory_days} {LimitUnit(self.statutory_unit).label}"

    @disclosed_property(Level.PUBLIC)
    def promised_label(self) -> str:
        """The promised limit as text (0 days reads as 当场办结)."""
        if self.promised_days == 0:
            return "当场办结"
        return f"{self.promised_days} {LimitUnit(self.promised_unit).label}"


@public_content
class GuideFee(Model):
    """One fee item of a guide; 免费 is an amount of 0 with its legal basis."""

    __tablename__ = "guide_fees"

    id: Mapped[int] = mapped_column(primary_key=True, info=PUBLIC_FIELD)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guides.id", ondelete="CASCADE"), index=True, info=PUBLIC_FIELD)
    position: Mapped[int] = mapped_column(default=0, info=PUBLIC_FIELD)
    item: Mapped[str] = mapped_column(String(200), info=PUBLIC_FIELD)
    amount_yuan: Mapped[Decimal] = mapped_column(Numeric(10, 2), info=PUBLIC_FIELD)
    basis: Mapped[str] = mapped_column(String(255), info=PUBLIC_FIELD)


@public_content
class GuideVersion(Model):
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
