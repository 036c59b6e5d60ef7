"""Public accountability figures: per department and kind of matter, the last 12 months.

Computed from the matters themselves, never typed in: received, closed, on time, average
working days to reply, extensions, and satisfaction among those who rated. Everything is
aggregated in SQL (a range scan of ``ix_matters_kind_received`` per kind); Python only turns
per-day counts into working days. The working days from receipt to reply of a matter are
``W(closed) - W(received)``, where ``W`` numbers the working days of the calendar, so their sum
over many matters needs the matters grouped by date only. A matter whose span touches a year
without a holiday calendar counts calendar days instead, as before.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, distinct, false, func, or_, select

from portal.accounts.models import Department
from portal.calendar.services import load_calendar
from portal.complaints.models import Complaint
from portal.core.workdays import WorkCalendar
from portal.disclosure.models import DisclosureRequest
from portal.extensions import db
from portal.matters.models import Matter, MatterEvent

SATISFIED = ("satisfied", "fair")
DETAILS: dict[str, type[DisclosureRequest] | type[Complaint]] = {"request": DisclosureRequest, "complaint": Complaint}


def share(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a whole percentage, or — when there is nothing to divide."""
    return f"{part / whole:.0%}" if whole else "—"


@dataclass
class Figures:
    """One department's figures for one kind of matter."""

    received: int = 0
    closed: int = 0
    on_time: int = 0
    extended: int = 0
    rated: int = 0
    satisfied: int = 0
    workday_sum: int = 0

    @property
    def on_time_rate(self) -> str:
        """Share of closed matters closed by their due date."""
        return share(self.on_time, self.closed)

    @property
    def average_workdays_value(self) -> float | None:
        """Average working days from receipt to reply of the closed matters (None: none closed)."""
        return self.workday_sum / self.closed if self.closed else None

    @property
    def average_workdays(self) -> str:
        """Average working days from receipt to reply."""
        value = self.average_workdays_value
        return "—" if value is None else f"{value:.1f}"

    @property
    def satisfaction(self) -> str:
        """Share of ratings that were 满意 or 基本满意."""
        return share(self.satisfied, self.rated)


class WorkdayNumbers:
    """``W(d)``: working days up to ``d``, so that ``count_workdays(a, b) == W(b) - W(a)`` (a <= b)
    whenever every year from ``a``'s next day to ``b`` has a calendar."""

    def __init__(self, calendar: WorkCalendar, first_year: int) -> None:
        self.calendar, self.first_year = calendar, first_year
        self.offsets: dict[int, int] = {first_year: 0}

    def _offset(self, year: int) -> int:
        if year not in self.offsets:
            before = year - 1
            full = (self.calendar.count_workdays(date(before - 1, 12, 31), date(before, 12, 31))
                    if self.calendar.covers(before) else 0)
            self.offsets[year] = self._offset(before) + full
        return self.offsets[year]

    def __call__(self, day: date) -> int:
        """The number of ``day`` (its year, or the next one for 31 December, must have a calendar)."""
        if day.month == 12 and day.day == 31:
            return self._offset(day.year + 1)
        return self._offset(day.year) + self.calendar.count_workdays(date(day.year - 1, 12, 31), day)


def _gap(calendar: WorkCalendar, since: date, today: date):
    """SQL: the matter's span touches a year without a calendar (it counts calendar days)."""
    missing = [year for year in range(since.year, today.year + 1) if not calendar.covers(year)]
    return or_(false(), *(and_(Matter.closed_on > Matter.received_on, Matter.received_on <= date(y, 12, 30),
                               Matter.closed_on >= date(y, 1, 1)) for y in missing))


def _figures_of_kind(kind: str, since: date, calendar: WorkCalendar, today: date) -> dict[int, Figures]:
    """Department id → figures for matters of ``kind`` received since ``since``."""
    window = [Matter.kind == kind, Matter.received_on >= since]
    result: dict[int, Figures] = defaultdict(Figures)
    on_time = case((and_(Matter.closed_on.is_not(None),
                         or_(Matter.due_on.is_(None), Matter.closed_on <= Matter.due_on)), 1), else_=0)
    for department, received, closed, in_time in db.session.execute(
            select(Matter.department_id, func.count(), func.count(Matter.closed_on), func.sum(on_time))
            .where(*window).group_by(Matter.department_id)):
        figures = result[department]
        figures.received, figures.closed, figures.on_time = received, closed, int(in_time or 0)
    gap = _gap(calendar, since, today)
    numbers = WorkdayNumbers(calendar, since.year - 1)
    for column, sign in ((Matter.closed_on, 1), (Matter.received_on, -1)):
        for department, day, count in db.session.execute(
                select(Matter.department_id, column, func.count())
                .where(*window, Matter.closed_on.is_not(None), ~gap).group_by(Matter.department_id, column)):
            if day is not None:  # never: closed matters only
                result[department].workday_sum += sign * count * numbers(day)
    for department, received_on, closed_on in db.session.execute(
            select(Matter.department_id, Matter.received_on, Matter.closed_on).where(*window, gap)):
        if closed_on is not None:
            result[department].workday_sum += (closed_on - received_on).days
    for department, count in db.session.execute(
            select(Matter.department_id, func.count(distinct(Matter.id)))
            .join(MatterEvent, MatterEvent.matter_id == Matter.id)
            .where(*window, MatterEvent.kind == "extension_granted").group_by(Matter.department_id)):
        result[department].extended = count
    detail = DETAILS[kind]
    for department, rating, count in db.session.execute(
            select(Matter.department_id, detail.rating, func.count())
            .join(detail, detail.matter_id == Matter.id)
            .where(*window, detail.rating.is_not(None), detail.rating != "")
            .group_by(Matter.department_id, detail.rating)):
        result[department].rated += count
        result[department].satisfied += count if rating in SATISFIED else 0
    return result


def accountability(today: date, days: int = 365) -> dict[str, dict[str, Figures]]:
    """kind → department name → figures, for matters received in the last ``days`` days."""
    since = today - timedelta(days=days)
    calendar = load_calendar()
    names = dict(db.session.execute(select(Department.id, Department.name)).all())
    result = {}
    for kind in DETAILS:
        by_department = _figures_of_kind(kind, since, calendar, today)
        if by_department:
            result[kind] = {names[department]: figures for department, figures in by_department.items()}
    return result
