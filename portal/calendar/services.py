"""Reading and changing the working-day calendar.

A change moves open deadlines: callers follow it with
:func:`portal.matters.services.recompute_open_deadlines`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.audit.services import record
from portal.calendar.models import CalendarOverride, CalendarYear
from portal.calendar.yearlist import check_year, parse_year_list
from portal.core.workdays import WorkCalendar
from portal.extensions import db

__all__ = ["import_year", "load_calendar", "parse_year_list", "set_day"]


def load_calendar() -> WorkCalendar:
    """The calendar in force: chinese-calendar plus every override and entered year."""
    overrides = {row.day: row.is_workday for row in db.session.scalars(select(CalendarOverride))}
    years = set(db.session.scalars(select(CalendarYear.year)))
    return WorkCalendar(overrides=overrides, covered_years=years)


def set_day(day: date, is_workday: bool, note: str, user_id: int | None) -> None:
    """Declare ``day`` a working day or a holiday (audited)."""
    row = db.session.get(CalendarOverride, day) or CalendarOverride(day=day)
    row.is_workday, row.note, row.set_by_id = is_workday, note, user_id
    db.session.add(row)
    db.session.flush()
    record("calendar.set_day", user_id=user_id, target_type="calendar", target_id=day.isoformat(),
           detail={"is_workday": is_workday, "note": note})


def import_year(year: int, holidays: list[date], workdays: list[date], user_id: int | None) -> None:
    """Enter a year's official list (holidays, and weekend make-up working days).

    The year then counts as covered: weekends are rest days unless listed as working days.
    Refused (``ValueError``, nothing written) when the list cannot be the year's official one
    (:func:`portal.calendar.yearlist.check_year`).
    """
    check_year(year, holidays, workdays)
    for day in holidays:
        db.session.merge(CalendarOverride(day=day, is_workday=False, note="法定节假日", set_by_id=user_id))
    for day in workdays:
        db.session.merge(CalendarOverride(day=day, is_workday=True, note="调休上班", set_by_id=user_id))
    if db.session.get(CalendarYear, year) is None:
        db.session.add(CalendarYear(year=year, entered_by_id=user_id))
    db.session.flush()
    record("calendar.import_year", user_id=user_id, target_type="calendar", target_id=year,
           detail={"holidays": len(holidays), "workdays": len(workdays)})
