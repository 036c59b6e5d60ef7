"""Public statistics per guide: bookings, the no-show rate and the median wait to the slot.

Only counts and durations leave here; no booking's personal fields are read, so the figures
survive the erasure of personal data after the retention period.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from statistics import median

from sqlalchemy import select

from portal.appointments.models import Booking, SlotPlan
from portal.core.timefmt import LOCAL_TZ
from portal.disclose import public_text
from portal.extensions import db

OUTCOMES = ("arrived", "served", "no_show")


@dataclass
class GuideFigures:
    """One guide's figures."""

    title: str
    bookings: int = 0
    cancelled: int = 0
    attended: int = 0
    no_shows: int = 0
    waits: list[int] = field(default_factory=list)

    @property
    def no_show_rate(self) -> str:
        """Absent among bookings whose outcome is recorded, as a percentage (or —)."""
        recorded = self.attended + self.no_shows
        return f"{self.no_shows / recorded:.0%}" if recorded else "—"

    @property
    def median_wait(self) -> str:
        """Median days from booking to slot (or —)."""
        return f"{median(self.waits):g} 天" if self.waits else "—"


def _booked_on(created_at: datetime) -> date:
    return created_at.replace(tzinfo=UTC).astimezone(LOCAL_TZ).date()


def guide_statistics() -> list[GuideFigures]:
    """Figures of every guide with bookings, most booked first."""
    titles = {guide_id: public_text(title)[0]  # as the public may read it: personal data masked
              for guide_id, title in db.session.execute(select(SlotPlan.guide_id, SlotPlan.guide_title))}
    figures: dict[int, GuideFigures] = defaultdict(lambda: GuideFigures(""))
    rows = db.session.execute(select(Booking.guide_id, Booking.status, Booking.created_at, Booking.slot_day))
    for guide_id, status, created_at, slot_day in rows:
        entry = figures[guide_id]
        entry.title = titles.get(guide_id, "")
        if status == "cancelled":
            entry.cancelled += 1
            continue
        entry.bookings += 1
        entry.attended += status in ("arrived", "served")
        entry.no_shows += status == "no_show"
        entry.waits.append((slot_day - _booked_on(created_at)).days)
    return sorted(figures.values(), key=lambda f: -f.bookings)
