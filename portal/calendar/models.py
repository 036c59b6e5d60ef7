"""Administrator overrides of the official calendar, and years entered in full."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.classification import PUBLIC_FIELD
from portal.core.timefmt import utcnow
from portal.extensions import Model
from portal.public_content import public_content


@public_content
class CalendarOverride(Model):
    """One date declared a working day or a holiday, overriding the package."""

    __tablename__ = "calendar_overrides"

    day: Mapped[date] = mapped_column(primary_key=True, info=PUBLIC_FIELD)
    is_workday: Mapped[bool] = mapped_column(info=PUBLIC_FIELD)
    note: Mapped[str] = mapped_column(String(100), default="", info=PUBLIC_FIELD)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


@public_content
class CalendarYear(Model):
    """A year whose complete holiday list an administrator has entered (so it is covered)."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, info=PUBLIC_FIELD)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)
