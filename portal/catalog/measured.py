"""Measured beside promised: how fast the portal's own matters were really answered.

For a guide listed in :data:`portal.catalog.schema.MEASURED_BY`, the replies to matters of
that kind received in the last 12 months (the window of the public ``/performance`` page):
how many, the average days from receipt to reply in the unit of the guide's statutory limit
(working days for 依申请公开, calendar days for 投诉), and the share replied by the due date.
Only counts leave here; no matter's own fields are read beyond its dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from sqlalchemy import case, func, or_, select

from portal.calendar.services import load_calendar
from portal.catalog.models import LimitUnit
from portal.catalog.schema import MEASURED_BY
from portal.extensions import db
from portal.matters.labels import KIND_LABELS
from portal.matters.models import Matter

WINDOW_DAYS = 365  # the window of /performance
NO_DATA = "暂无数据"


@dataclass(frozen=True)
class Measured:
    """The measured figures of one kind of matter over one window (plain values only)."""

    kind: str
    unit: str  # a LimitUnit value: the unit of ``average_days``
    since: date
    until: date
    received: int
    replied: int
    on_time: int
    average_days: float | None

    @property
    def kind_label(self) -> str:
        """The kind of matter in Chinese."""
        return KIND_LABELS[self.kind]

    @property
    def on_time_share(self) -> float | None:
        """Replies by the due date as a share of all replies (None without replies)."""
        return round(self.on_time / self.replied, 4) if self.replied else None

    @property
    def summary(self) -> str:
        """One sentence for the guide page, or 暂无数据."""
        if not self.replied or self.average_days is None or self.on_time_share is None:
            return NO_DATA
        return (f"平均 {self.average_days:.1f} {LimitUnit(self.unit).label}答复，"
                f"按时答复 {self.on_time_share:.0%}（{self.on_time}/{self.replied} 件）")

    def as_json(self) -> dict:
        """The figures as the open-data API publishes them."""
        return {
            "kind": self.kind, "kind_label": self.kind_label, "unit": self.unit,
            "unit_label": LimitUnit(self.unit).label, "since": self.since.isoformat(),
            "until": self.until.isoformat(), "received": self.received, "replied": self.replied,
            "on_time": self.on_time, "on_time_share": self.on_time_share,
            "average_days": self.average_days, "summary": self.summary,
        }


def _day_number(unit: str, origin: date):
    """A numbering of days such that ``n(closed) - n(received)`` is the days between them:
    ordinals for calendar days, the working days since ``origin`` for working days (years the
    calendar does not cover yet count Monday to Friday, as provisional deadlines do)."""
    if unit == LimitUnit.CALENDAR_DAYS:
        return date.toordinal
    calendar = load_calendar()
    return cache(lambda day: calendar.count_workdays_detail(origin, day, lenient=True)[0])


def measure(kind: str, unit: str, today: date) -> Measured:
    """Figures for matters of ``kind`` received in the ``WINDOW_DAYS`` days up to ``today``.

    A matter counts as replied once it is closed; it is on time when closed by its due date
    (or when it never had one), the same rule as the public accountability page. One query,
    grouped by (receipt, reply) dates, so Python handles day pairs, not matters.
    """
    since = today - timedelta(days=WINDOW_DAYS)
    on_time_case = case((or_(Matter.due_on.is_(None), Matter.closed_on <= Matter.due_on), 1), else_=0)
    groups = db.session.execute(
        select(Matter.received_on, Matter.closed_on, func.count(), func.sum(on_time_case))
        .where(Matter.kind == kind, Matter.received_on >= since, Matter.received_on <= today)
        .group_by(Matter.received_on, Matter.closed_on)).all()
    n = _day_number(unit, since - timedelta(days=1))
    closed = [(received, closed_on, count, on_time or 0)
              for received, closed_on, count, on_time in groups if closed_on is not None]
    replied = sum(count for _r, _c, count, _o in closed)
    total_days = sum(count * (n(closed_on) - n(received)) for received, closed_on, count, _o in closed)
    return Measured(
        kind=kind, unit=unit, since=since, until=today,
        received=sum(count for _r, _c, count, _o in groups), replied=replied,
        on_time=int(sum(on_time for _r, _c, _n, on_time in closed)),
        average_days=round(total_days / replied, 1) if replied else None,
    )


def measured_for_guide(slug: str, statutory_unit: str | None, today: date) -> Measured | None:
    """The measured figures for the guide ``slug``, or None when the portal does not measure it."""
    kind = MEASURED_BY.get(slug)
    if kind is None:
        return None
    return measure(kind, statutory_unit or LimitUnit.WORKING_DAYS.value, today)
