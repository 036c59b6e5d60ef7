"""When slots are: the start times of a plan's day, and the working days open for booking.

Days come from the portal's working-day calendar (holidays and 调休 make-up days included); a day
of a year whose official arrangement is not known yet is offered as provisional (暂定).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from portal.core.workdays import WorkCalendar


@dataclass(frozen=True)
class SlotTime:
    """One slot's start and end on any day."""

    starts_at: time
    ends_at: time

    @property
    def label(self) -> str:
        """``09:00–09:30``."""
        return f"{self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


@dataclass(frozen=True)
class OpenDay:
    """A working day offered for booking; ``provisional`` when its year's calendar is not final."""

    day: date
    provisional: bool


def slot_times(opens_at: time, closes_at: time, minutes: int) -> list[SlotTime]:
    """Back-to-back slots of ``minutes`` from ``opens_at``, the last ending by ``closes_at``."""
    if minutes <= 0:
        return []
    anchor = date(2000, 1, 3)
    start, close = datetime.combine(anchor, opens_at), datetime.combine(anchor, closes_at)
    step = timedelta(minutes=minutes)
    times = []
    while start + step <= close:
        times.append(SlotTime(start.time(), (start + step).time()))
        start += step
    return times


def open_days(calendar: WorkCalendar, today: date, ahead: int) -> list[OpenDay]:
    """The working days from ``today`` through ``today + ahead`` days."""
    days = []
    for offset in range(ahead + 1):
        day = today + timedelta(days=offset)
        working, guessed = calendar.is_workday_detail(day, lenient=True)
        if working:
            days.append(OpenDay(day, bool(guessed)))
    return days


def starts(day: date, at: time) -> datetime:
    """The local moment a slot starting at ``at`` on ``day`` begins."""
    return datetime.combine(day, at)
