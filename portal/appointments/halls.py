"""Staff set up service halls and the slot plans each hall offers per guide (audited)."""

from __future__ import annotations

from datetime import time

from portal.appointments.models import ServiceHall, SlotPlan
from portal.appointments.schedule import slot_times
from portal.audit.services import record
from portal.core.errors import FieldError
from portal.extensions import db


def save_hall(hall: ServiceHall | None, *, name: str, address: str, hours: str, department_id: int,
              active: bool, user_id: int | None) -> ServiceHall:
    """Create a hall (``hall`` None) or change one; flushed and audited."""
    hall = hall or ServiceHall()
    hall.name, hall.address, hall.hours = name.strip(), address.strip(), hours.strip()
    hall.department_id, hall.active = department_id, active
    db.session.add(hall)
    db.session.flush()
    record("appointment.hall", user_id=user_id, target_type="hall", target_id=hall.id,
           detail={"name": hall.name, "active": active})
    return hall


def add_plan(hall: ServiceHall, *, guide: tuple[int, str, str], opens_at: time, closes_at: time,
             slot_minutes: int, capacity: int, user_id: int | None) -> SlotPlan:
    """Offer guide ``(id, slug, title)`` at ``hall``: slots of ``slot_minutes`` with ``capacity``
    places from ``opens_at`` to ``closes_at`` on every working day. Refused when no slot fits."""
    if not slot_times(opens_at, closes_at, slot_minutes):
        raise FieldError("closes_at", "结束时间须晚于开始时间，且至少容纳一个时段。")
    guide_id, slug, title = guide
    plan = SlotPlan(hall_id=hall.id, guide_id=guide_id, guide_slug=slug, guide_title=title[:120],
                    opens_at=opens_at, closes_at=closes_at, slot_minutes=slot_minutes,
                    capacity=capacity, active=True)
    db.session.add(plan)
    db.session.flush()
    record("appointment.plan", user_id=user_id, target_type="slot_plan", target_id=plan.id,
           detail={"hall": hall.id, "guide": guide_id, "opens_at": opens_at.isoformat(),
                   "closes_at": closes_at.isoformat(), "minutes": slot_minutes, "capacity": capacity})
    return plan


def set_plan_active(plan: SlotPlan, active: bool, user_id: int) -> None:
    """Stop (or resume) taking bookings for a plan; existing bookings stay."""
    plan.active = active
    db.session.flush()
    record("appointment.plan_active", user_id=user_id, target_type="slot_plan", target_id=plan.id,
           detail={"active": active})
