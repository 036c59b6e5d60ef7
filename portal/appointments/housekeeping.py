"""Periodic work: reminders the day before a slot, and erasing personal data after retention.

A reminder goes through the outbox (e-mail), once per booking and slot day, to bookings that
gave an address; its text is built from the booking as disclosed to the public (name masked).
Erasure blanks name, ID number, mobile and e-mail of every booking whose slot lies more than the
retention period in the past, and drops the holder rows (keyed hashes of ID numbers, see
:class:`~portal.appointments.models.Holder`) of ID numbers that have not booked for as long; the
counts behind the public statistics stay. Each run is audited.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import CursorResult, delete, select

from portal.appointments.models import Booking, Holder
from portal.audit.services import record
from portal.core.classification import PUBLIC
from portal.core.timefmt import utcnow
from portal.disclose import disclose
from portal.extensions import db
from portal.outbox.services import enqueue


def reminder_text(booking: Booking) -> str:
    """The reminder's body, from the booking as the public may see it."""
    shown = disclose(booking, PUBLIC)
    slot, plan = shown.slot, shown.slot.plan
    return (f"{shown.masked_name}，您好：\n\n您预约了明天（{slot.day.isoformat()}）"
            f"{slot.starts_at:%H:%M}–{slot.ends_at:%H:%M} 在{plan.hall.name}（{plan.hall.address}）"
            f"办理“{plan.guide_title}”。\n预约码：{shown.code}\n\n请携带居民身份证和办事指南列明的材料按时到场。"
            "如不能前往，请在网站“预约服务”中用预约码和身份证号码后四位取消。\n")


def send_reminders(today: date) -> int:
    """Queue reminders for tomorrow's active bookings not yet reminded; return how many."""
    tomorrow = today + timedelta(days=1)
    due = db.session.scalars(select(Booking).where(
        Booking.slot_day == tomorrow, Booking.status == "booked", Booking.reminded_at.is_(None),
        Booking.erased_at.is_(None), Booking.email != ""))
    count = 0
    for booking in due:
        try:
            enqueue(booking.email, "预约办理提醒", reminder_text(booking),
                    dedupe_key=f"appointment-reminder:{booking.id}:{booking.slot_day.isoformat()}")
        except ValueError:
            continue  # an address the outbox refuses: nothing to send to
        booking.reminded_at = utcnow()
        count += 1
    db.session.flush()
    if count:
        record("appointment.remind", user_id=None, target_type="booking", target_id=tomorrow.isoformat(),
               detail={"queued": count})
    return count


def erase_expired(today: date, retention_days: int) -> int:
    """Blank the personal fields of bookings whose slot is over ``retention_days`` old; audited."""
    cutoff = today - timedelta(days=retention_days)
    expired = list(db.session.scalars(select(Booking).where(
        Booking.slot_day < cutoff, Booking.erased_at.is_(None))))
    now = utcnow()
    for booking in expired:
        booking.name = booking.id_number = booking.mobile = booking.email = ""
        booking.erased_at = now
    dropped: CursorResult = db.session.execute(  # type: ignore[assignment]
        delete(Holder).where(Holder.last_booked_at < datetime.combine(cutoff, time()))
        .execution_options(synchronize_session=False))
    db.session.flush()
    record("appointment.erase", user_id=None, target_type="booking", target_id=cutoff.isoformat(),
           detail={"erased": len(expired), "holders_dropped": dropped.rowcount,
                   "slots_before": cutoff.isoformat(),
                   "retention_days": retention_days})
    return len(expired)
