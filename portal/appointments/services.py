"""Booking rules: taking a place, the anti-hoarding limits, cancelling and moving, marking.

A place is taken by one conditional UPDATE of the slot's counter (``booked < capacity``), so the
database itself refuses the place after the last, whatever the number of processes racing for
it; one active booking per ID number per guide is a partial unique index. The weekly limit per
ID number is counted only after the ID number's :class:`~portal.appointments.models.Holder` row
is locked (:func:`lock_holder`), so bookings by one ID number are made one after another.
Services flush and never commit; the booking pages commit at once (see
:mod:`portal.appointments.views`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from portal.appointments.models import ACTIVE_STATUSES, Booking, Holder, Slot, SlotPlan
from portal.appointments.schedule import slot_times, starts
from portal.audit.services import record
from portal.calendar.services import load_calendar
from portal.core.timefmt import LOCAL_TZ, utcnow
from portal.extensions import db

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MARKS = {"arrived": "已到场", "served": "已办结", "no_show": "未到场"}


class BookingRefused(Exception):
    """A booking, cancellation or move the rules refuse; ``message`` is for the citizen."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Person:
    """Who books: name, ID number (check digit already verified), mobile, optional e-mail."""

    name: str
    id_number: str
    mobile: str
    email: str = ""


def local_now() -> datetime:
    """The current local (Asia/Shanghai) time, naive, as slot times are kept."""
    return datetime.now(LOCAL_TZ).replace(tzinfo=None)


def new_code() -> str:
    """A booking code: ``YY`` and eight unambiguous letters or digits."""
    return "YY" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def check_slot(plan: SlotPlan, day: date, starts_at: time) -> time:
    """The slot's end if ``starts_at`` on ``day`` is a bookable slot of ``plan``; else refused."""
    if not plan.active or not plan.hall.active:
        raise BookingRefused("该大厅暂停预约此事项。")
    ends = {t.starts_at: t.ends_at for t in slot_times(plan.opens_at, plan.closes_at, plan.slot_minutes)}
    if starts_at not in ends:
        raise BookingRefused("请选择列出的预约时段。")
    now = local_now()
    last_day = now.date() + timedelta(days=current_app.config["APPOINTMENT_DAYS_AHEAD"])
    if starts(day, starts_at) <= now or day > last_day:
        raise BookingRefused("该时段已过或尚未开放预约，请选择其他时段。")
    if not load_calendar().is_workday_detail(day, lenient=True)[0]:
        raise BookingRefused("所选日期不是工作日，请选择其他日期。")
    return ends[starts_at]


def slot_row(plan: SlotPlan, day: date, starts_at: time, ends_at: time) -> Slot:
    """The slot's row, made (once, even by concurrent callers) with the plan's capacity."""
    values = {"plan_id": plan.id, "day": day, "starts_at": starts_at, "ends_at": ends_at,
              "capacity": plan.capacity, "booked": 0}
    dialect = db.session.get_bind().dialect.name
    if dialect in {"postgresql", "sqlite"}:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        db.session.execute(insert(Slot).values(**values).on_conflict_do_nothing(
            index_elements=["plan_id", "day", "starts_at"]))
    found = db.session.scalar(select(Slot).where(Slot.plan_id == plan.id, Slot.day == day,
                                                 Slot.starts_at == starts_at))
    if found is None:
        found = Slot(**values)
        db.session.add(found)
        db.session.flush()
    return found


def take_place(slot: Slot) -> None:
    """Count one more place taken in ``slot``, or refuse when it is full (one atomic UPDATE)."""
    taken: CursorResult = db.session.execute(  # type: ignore[assignment]
        update(Slot).where(Slot.id == slot.id, Slot.booked < Slot.capacity)
        .values(booked=Slot.booked + 1).execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        raise BookingRefused("该时段已约满，请选择其他时段。")
    db.session.expire(slot, ["booked"])


def release_place(slot_id: int) -> None:
    """Give a place back to its slot."""
    db.session.execute(update(Slot).where(Slot.id == slot_id, Slot.booked > 0)
                       .values(booked=Slot.booked - 1).execution_options(synchronize_session=False))


def holder_key(id_number: str) -> str:
    """A keyed HMAC of an ID number: the holder row's key, useless without the secret key."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"appointment-holder:{id_number.upper()}".encode(), hashlib.sha256).hexdigest()


def lock_holder(id_number: str) -> None:
    """Lock the ID number's holder row (made if new) until the transaction ends.

    One upsert that always writes: on PostgreSQL ``INSERT … ON CONFLICT DO UPDATE`` locks the row
    as ``SELECT … FOR UPDATE`` would, and a concurrent booking by the same ID number waits for
    this transaction to end; on SQLite the write takes the database's single write lock, which
    the driver's deferred transaction begins with, so whatever is read afterwards is current and
    no other booking commits before this one.
    """
    values = {"id_key": holder_key(id_number), "last_booked_at": utcnow()}
    dialect = db.session.get_bind().dialect.name
    if dialect not in {"postgresql", "sqlite"}:
        raise RuntimeError(f"appointments need PostgreSQL or SQLite, not {dialect}")
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Holder).values(**values)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["id_key"], set_={"last_booked_at": statement.excluded.last_booked_at}))


def _check_limits(person: Person, guide_id: int, day: date, moving: Booking | None = None) -> None:
    """One active booking per ID number per guide; at most the weekly limit per ID number."""
    mine = [Booking.id_number == person.id_number, Booking.erased_at.is_(None)]
    if moving is not None:
        mine.append(Booking.id != moving.id)
    active = db.session.scalar(select(func.count()).select_from(Booking).where(
        *mine, Booking.guide_id == guide_id, Booking.status.in_(ACTIVE_STATUSES)))
    if active:
        raise BookingRefused("同一证件号码对同一事项只能有一个有效预约；如需改期，请用预约码修改原预约。")
    monday = day - timedelta(days=day.weekday())
    weekly = db.session.scalar(select(func.count()).select_from(Booking).where(
        *mine, Booking.status != "cancelled", Booking.slot_day.between(monday, monday + timedelta(days=6))))
    limit = current_app.config["APPOINTMENT_WEEKLY_LIMIT"]
    if weekly >= limit:
        raise BookingRefused(f"同一证件号码每周最多预约 {limit} 次，本周预约次数已满。")


def book(plan: SlotPlan, day: date, starts_at: time, person: Person) -> Booking:
    """Book one place of ``plan``'s slot at ``starts_at`` on ``day`` for ``person`` (flushed).

    Raises :class:`BookingRefused` (the caller rolls back) when a rule or a full slot refuses it.
    """
    ends_at = check_slot(plan, day, starts_at)
    lock_holder(person.id_number)
    _check_limits(person, plan.guide_id, day)
    slot = slot_row(plan, day, starts_at, ends_at)
    take_place(slot)
    booking = Booking(code=new_code(), slot_id=slot.id, guide_id=plan.guide_id,
                      department_id=plan.hall.department_id, slot_day=day, status="booked",
                      name=person.name, id_number=person.id_number, mobile=person.mobile,
                      email=person.email, created_at=utcnow())
    db.session.add(booking)
    try:
        db.session.flush()
    except IntegrityError:  # a concurrent booking by the same ID number for the same guide
        raise BookingRefused("同一证件号码对同一事项只能有一个有效预约。") from None
    return booking


def find_booking(code: str, id_last4: str) -> Booking | None:
    """The booking with ``code`` whose ID number ends in ``id_last4`` (not erased), else None."""
    booking = db.session.scalar(select(Booking).where(Booking.code == code.strip().upper()))
    if booking is None or booking.erased_at is not None:
        return None
    if not secrets.compare_digest(booking.id_number[-4:].upper(), id_last4.strip().upper()):
        return None
    return booking


def may_change(booking: Booking) -> bool:
    """Whether the citizen may still cancel or move ``booking`` (configured hours before its slot)."""
    hours = current_app.config["APPOINTMENT_CHANGE_HOURS"]
    return booking.status == "booked" and local_now() + timedelta(hours=hours) <= starts(
        booking.slot_day, booking.slot.starts_at)


def _refuse_unless_changeable(booking: Booking) -> None:
    if booking.status != "booked":
        raise BookingRefused("该预约已不能取消或改期。")
    if not may_change(booking):
        hours = current_app.config["APPOINTMENT_CHANGE_HOURS"]
        raise BookingRefused(f"距预约时段开始已不足 {hours} 小时，不能再取消或改期。")


def cancel(booking: Booking) -> None:
    """Cancel ``booking`` and free its place."""
    _refuse_unless_changeable(booking)
    release_place(booking.slot_id)
    booking.status, booking.status_changed_at = "cancelled", utcnow()
    db.session.flush()
    record("appointment.cancel", user_id=None, target_type="booking", target_id=booking.id)


def reschedule(booking: Booking, day: date, starts_at: time) -> None:
    """Move ``booking`` to another slot of the same hall and guide; the old place is freed."""
    _refuse_unless_changeable(booking)
    plan = booking.slot.plan
    ends_at = check_slot(plan, day, starts_at)
    if (day, starts_at) == (booking.slot_day, booking.slot.starts_at):
        raise BookingRefused("新时段与原时段相同。")
    person = Person(booking.name, booking.id_number, booking.mobile, booking.email)
    lock_holder(person.id_number)
    _check_limits(person, booking.guide_id, day, moving=booking)
    slot = slot_row(plan, day, starts_at, ends_at)
    # The two slots' rows are changed in the order of their ids, so two moves in opposite
    # directions never wait on each other (a refused take rolls the release back with it).
    if booking.slot_id < slot.id:
        release_place(booking.slot_id)
        take_place(slot)
    else:
        take_place(slot)
        release_place(booking.slot_id)
    booking.slot_id, booking.slot_day, booking.reminded_at = slot.id, day, None
    booking.status_changed_at = utcnow()
    db.session.flush()
    db.session.expire(booking, ["slot"])
    record("appointment.move", user_id=None, target_type="booking", target_id=booking.id,
           detail={"day": day.isoformat(), "starts_at": starts_at.strftime("%H:%M")})


def mark(booking: Booking, status: str, user_id: int) -> None:
    """Staff record arrival, service or absence (absence only once the slot has begun)."""
    if status not in MARKS:
        raise BookingRefused("请选择到场情况。")
    if booking.status == "cancelled" or booking.erased_at is not None:
        raise BookingRefused("已取消的预约不能登记。")
    if status == "no_show" and starts(booking.slot_day, booking.slot.starts_at) > local_now():
        raise BookingRefused("预约时段开始后才能登记未到场。")
    booking.status, booking.status_changed_at = status, utcnow()
    db.session.flush()
    record("appointment.mark", user_id=user_id, target_type="booking", target_id=booking.id,
           detail={"status": status})
