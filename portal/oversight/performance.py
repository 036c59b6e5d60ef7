"""Public accountability figures: per department and kind of matter, the last 12 months.

Computed from the matters themselves, never typed in: received, closed, on time, average
working days to reply, extensions, and satisfaction among those who rated.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from portal.accounts.models import Department
from portal.calendar.services import load_calendar
from portal.complaints.models import Complaint
from portal.core.workdays import CalendarGap
from portal.disclosure.models import DisclosureRequest
from portal.extensions import db
from portal.matters.models import Matter, MatterEvent

SATISFIED = {"satisfied", "fair"}


@dataclass
class Figures:
    """One department's figures for one kind of matter."""

    received: int = 0
    closed: int = 0
    on_time: int = 0
    extended: int = 0
    rated: int = 0
    satisfied: int = 0
    workdays: list[int] = field(default_factory=list)

    @property
    def on_time_rate(self) -> str:
        """Share of closed matters closed by their due date."""
        return f"{self.on_time / self.closed:.0%}" if self.closed else "—"

    @property
    def average_workdays(self) -> str:
        """Average working days from receipt to reply."""
        return f"{sum(self.workdays) / len(self.workdays):.1f}" if self.workdays else "—"

    @property
    def satisfaction(self) -> str:
        """Share of ratings that were 满意 or 基本满意."""
        return f"{self.satisfied / self.rated:.0%}" if self.rated else "—"


def accountability(today: date, days: int = 365) -> dict[str, dict[str, Figures]]:
    """kind → department name → figures, for matters received in the last ``days`` days."""
    since = today - timedelta(days=days)
    calendar = load_calendar()
    extended = set(db.session.scalars(select(MatterEvent.matter_id).where(
        MatterEvent.kind == "extension_granted")))
    ratings = dict(db.session.execute(select(DisclosureRequest.matter_id, DisclosureRequest.rating)).all())
    ratings |= dict(db.session.execute(select(Complaint.matter_id, Complaint.rating)).all())
    result: dict[str, dict[str, Figures]] = defaultdict(lambda: defaultdict(Figures))
    rows = db.session.execute(
        select(Matter.id, Matter.kind, Department.name, Matter.received_on, Matter.closed_on,
               Matter.due_on)
        .join(Department, Department.id == Matter.department_id)
        .where(Matter.received_on >= since))
    for matter_id, kind, department, received_on, closed_on, due_on in rows:
        figures = result[kind][department]
        figures.received += 1
        figures.extended += matter_id in extended
        rating = ratings.get(matter_id)
        if rating:
            figures.rated += 1
            figures.satisfied += rating in SATISFIED
        if closed_on is None:
            continue
        figures.closed += 1
        figures.on_time += due_on is None or closed_on <= due_on
        try:
            figures.workdays.append(calendar.count_workdays(received_on, closed_on))
        except CalendarGap:
            figures.workdays.append((closed_on - received_on).days)
    return {kind: dict(by_department) for kind, by_department in result.items()}
