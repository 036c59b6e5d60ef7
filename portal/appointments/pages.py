"""What the booking pages show: the open days of a plan, a day's slots with free places, the PDF slip."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Response, current_app, render_template

from portal.appointments.models import SlotPlan
from portal.appointments.queries import places_taken
from portal.appointments.schedule import OpenDay, open_days, slot_times, starts
from portal.appointments.services import local_now
from portal.calendar.services import load_calendar
from portal.matters.letter_pdf import PDF_MIMETYPE, refuse_fetch


@dataclass(frozen=True)
class SlotView:
    """One slot of a day as the citizen sees it."""

    value: str
    label: str
    free: int


def open_days_of(plan: SlotPlan) -> list[OpenDay]:
    """The working days a plan can be booked on, from today on."""
    return open_days(load_calendar(), local_now().date(), current_app.config["APPOINTMENT_DAYS_AHEAD"])


def parse_day(text: str, days: list[OpenDay]) -> date | None:
    """The open day ``text`` (YYYY-MM-DD) names, else None."""
    try:
        wanted = date.fromisoformat(text)
    except ValueError:
        return None
    return wanted if any(d.day == wanted for d in days) else None


def day_slots(plan: SlotPlan, day: date) -> list[SlotView]:
    """The slots of ``plan`` on ``day`` not yet begun, with their free places."""
    taken = places_taken(plan.id, [day])
    now = local_now()
    views = []
    for slot in slot_times(plan.opens_at, plan.closes_at, plan.slot_minutes):
        if starts(day, slot.starts_at) <= now:
            continue
        capacity, booked = taken.get((day, slot.starts_at), (plan.capacity, 0))
        views.append(SlotView(slot.starts_at.strftime("%H:%M"), slot.label, max(capacity - booked, 0)))
    return views


def slip_pdf(booking: dict, filename: str) -> Response:
    """The disclosed ``booking``'s slip as an inline A4 PDF (``no-store``)."""
    from weasyprint import HTML  # heavy import, only when a PDF is asked for

    source = render_template("appointments/slip_pdf.html", b=booking)
    response = Response(HTML(string=source, url_fetcher=refuse_fetch).write_pdf(), mimetype=PDF_MIMETYPE)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
