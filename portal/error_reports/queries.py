"""Named read queries of 我为网站找错: the staff list and the public monthly counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select

from portal.error_reports.models import ErrorReport
from portal.extensions import db


def reports_for(department_id: int | None) -> list[ErrorReport]:
    """Reports of one department (None: all), unanswered first, newest first."""
    query = select(ErrorReport).order_by(ErrorReport.answered_on.is_not(None), ErrorReport.id.desc())
    if department_id is not None:
        query = query.where(ErrorReport.department_id == department_id)
    return list(db.session.scalars(query))


@dataclass
class MonthCounts:
    """One month's reports: received per category, and answered."""

    month: str
    received: Counter = field(default_factory=Counter)
    answered: int = 0

    @property
    def total(self) -> int:
        """Reports received in the month."""
        return sum(self.received.values())


def monthly_counts() -> list[MonthCounts]:
    """Per month of receipt, newest first: received per category and how many were answered."""
    months: dict[str, MonthCounts] = {}
    answered = func.count(ErrorReport.answered_on)
    for day, category, count, done in db.session.execute(
            select(ErrorReport.received_on, ErrorReport.category, func.count(), answered)
            .group_by(ErrorReport.received_on, ErrorReport.category)):
        entry = months.setdefault(day.strftime("%Y-%m"), MonthCounts(day.strftime("%Y-%m")))
        entry.received[category] += count
        entry.answered += done
    return [months[key] for key in sorted(months, reverse=True)]
