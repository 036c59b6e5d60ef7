"""Public complaint statistics: counts per month by type, outcome and department; on-time rate.

Only aggregate numbers and public fields leave here; no complaint's personal fields are read.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from portal.accounts.models import Department
from portal.complaints.models import Complaint
from portal.extensions import db
from portal.matters.models import Matter


@dataclass
class MonthFigures:
    """One month's counts."""

    received: int = 0
    by_type: Counter = field(default_factory=Counter)
    by_outcome: Counter = field(default_factory=Counter)
    by_department: Counter = field(default_factory=Counter)
    replied: int = 0
    on_time: int = 0

    @property
    def on_time_rate(self) -> str:
        """The share of replies within the time limit, as a percentage (or —)."""
        return f"{self.on_time / self.replied:.0%}" if self.replied else "—"


def monthly_statistics(months: int = 12) -> list[tuple[str, MonthFigures]]:
    """The last ``months`` months that had complaints, newest first."""
    rows = db.session.execute(
        select(Matter.received_on, Complaint.complaint_type, Complaint.decision, Complaint.outcome,
               Department.name, Complaint.replied_on, Complaint.on_time)
        .join(Complaint, Complaint.matter_id == Matter.id)
        .join(Department, Department.id == Complaint.about_department_id))
    months_seen: dict[str, MonthFigures] = defaultdict(MonthFigures)
    for received_on, ctype, decision, outcome, department, replied_on, on_time in rows:
        figures = months_seen[received_on.strftime("%Y-%m")]
        figures.received += 1
        figures.by_type[ctype] += 1
        figures.by_outcome[outcome or decision or "pending"] += 1
        figures.by_department[department] += 1
        if replied_on is not None:
            figures.replied += 1
            figures.on_time += bool(on_time)
    return sorted(months_seen.items(), reverse=True)[:months]


def published_summaries() -> list[Complaint]:
    """Closed complaints whose de-identified summary a supervisor published, newest first."""
    return list(db.session.scalars(
        select(Complaint).where(Complaint.summary_published_on.is_not(None))
        .order_by(Complaint.summary_published_on.desc())))
