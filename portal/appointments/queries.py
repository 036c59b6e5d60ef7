"""Named read queries of the appointment feature."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import column, select, table

from portal.appointments.models import Booking, ServiceHall, Slot, SlotPlan
from portal.extensions import db

# The catalog's guide table, read by name for the staff's choice of guide: this feature keeps
# only a guide's id, slug and title, never the catalog's model.
GUIDES = table("guides", column("id"), column("slug"), column("title"))


def guide_choices() -> list[tuple[int, str, str]]:
    """(id, slug, title) of every guide, by title."""
    rows = db.session.execute(select(GUIDES.c.id, GUIDES.c.slug, GUIDES.c.title).order_by(GUIDES.c.title))
    return [(row.id, row.slug, row.title) for row in rows]


def bookable_plans(slug: str) -> list[SlotPlan]:
    """The active plans of active halls for the guide ``slug``, by hall name."""
    return list(db.session.scalars(
        select(SlotPlan).join(ServiceHall, ServiceHall.id == SlotPlan.hall_id)
        .where(SlotPlan.guide_slug == slug, SlotPlan.active.is_(True), ServiceHall.active.is_(True))
        .order_by(ServiceHall.name, SlotPlan.opens_at)))


def guide_ids_with_plans() -> set[int]:
    """Ids of guides that some active hall takes bookings for."""
    return set(db.session.scalars(
        select(SlotPlan.guide_id).join(ServiceHall, ServiceHall.id == SlotPlan.hall_id)
        .where(SlotPlan.active.is_(True), ServiceHall.active.is_(True))))


def places_taken(plan_id: int, days: list[date]) -> dict[tuple[date, time], tuple[int, int]]:
    """(capacity, booked) of each slot of ``plan_id`` already made on ``days``."""
    rows = db.session.scalars(select(Slot).where(Slot.plan_id == plan_id, Slot.day.in_(days)))
    return {(slot.day, slot.starts_at): (slot.capacity, slot.booked) for slot in rows}


def halls_of(department_id: int | None) -> list[ServiceHall]:
    """Halls of one department, or every hall (``None``), by name."""
    query = select(ServiceHall).order_by(ServiceHall.name)
    if department_id is not None:
        query = query.where(ServiceHall.department_id == department_id)
    return list(db.session.scalars(query))


def plans_of(hall_id: int) -> list[SlotPlan]:
    """Every plan of a hall, active ones first."""
    return list(db.session.scalars(select(SlotPlan).where(SlotPlan.hall_id == hall_id)
                                   .order_by(SlotPlan.active.desc(), SlotPlan.guide_title)))


def day_list(hall_id: int, day: date) -> list[Booking]:
    """The bookings of a hall on ``day`` (cancelled ones left out), by slot and booking time."""
    return list(db.session.scalars(
        select(Booking).join(Slot, Slot.id == Booking.slot_id).join(SlotPlan, SlotPlan.id == Slot.plan_id)
        .where(SlotPlan.hall_id == hall_id, Booking.slot_day == day, Booking.status != "cancelled")
        .order_by(Slot.starts_at, Booking.created_at)))
