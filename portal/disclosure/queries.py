"""Named read queries for the request queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, or_, select

from portal.calendar.services import load_calendar
from portal.core.workdays import CalendarGap
from portal.disclosure.models import DisclosureRequest
from portal.matters.models import Matter

DUE_SOON_WORKDAYS = 3


@dataclass(frozen=True)
class QueueFilter:
    """Queue filters: status code, "due-soon" / "overdue", assignee id; empty = any."""

    status: str = ""
    timing: str = ""
    assignee_id: int | None = None


def due_soon_limit(today: date) -> date:
    """The last due date that counts as "due soon" (3 working days ahead)."""
    try:
        return load_calendar().add_workdays(today, DUE_SOON_WORKDAYS)
    except CalendarGap:
        return date.fromordinal(today.toordinal() + DUE_SOON_WORKDAYS + 2)


def queue(department_id: int | None, flt: QueueFilter, today: date, officer_id: int | None = None) -> Select:
    """Requests of a department (None = all) and those assigned to ``officer_id``, open ones
    first, soonest due first."""
    query = (select(DisclosureRequest).join(Matter, Matter.id == DisclosureRequest.matter_id)
             .order_by(Matter.closed_on.is_not(None), Matter.due_on.is_(None), Matter.due_on,
                       Matter.id))
    if department_id is not None:
        query = query.where(or_(Matter.department_id == department_id, Matter.assignee_id == officer_id)
                            if officer_id is not None else Matter.department_id == department_id)
    if flt.status:
        query = query.where(Matter.status == flt.status)
    if flt.assignee_id:
        query = query.where(Matter.assignee_id == flt.assignee_id)
    if flt.timing == "overdue":
        query = query.where(Matter.closed_on.is_(None), Matter.due_on < today)
    elif flt.timing == "due-soon":
        query = query.where(Matter.closed_on.is_(None), Matter.due_on >= today,
                            Matter.due_on <= due_soon_limit(today))
    return query
