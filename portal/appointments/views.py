"""Citizen pages: pick a hall, day and slot; the slip (page and PDF); cancel and move a booking;
find a booking by its code; and the public statistics.

A booking commits as soon as it is written, so the slot's row is not held while the slip
renders; a busy database is retried, then answered 503. A browser sees a booking's pages only
after making it or giving its code and the last four ID characters (the session remembers the
last ten); every such page is ``no-store``.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from portal.appointments import services
from portal.appointments.forms import BookingForm, CancelForm, FindBookingForm, SlotChoiceForm
from portal.appointments.models import Booking, SlotPlan
from portal.appointments.pages import day_slots, open_days_of, parse_day, slip_pdf
from portal.appointments.queries import bookable_plans, guide_ids_with_plans
from portal.appointments.stats import guide_statistics
from portal.audit.services import record
from portal.auth import throttle
from portal.core.classification import PUBLIC
from portal.disclose import disclose, disclose_all
from portal.extensions import db
from portal.guide_links import GuideLink, register_guide_links
from portal.web.busy import with_retry
from portal.web.hooks import keep_writes_despite_status

bp = Blueprint("appointments", __name__, url_prefix="/appointments")
REMEMBERED = 10
LOOKUP_LIMIT = 10
LOOKUP_LOCK = timedelta(minutes=15)


def booking_links(guide_id: int, slug: str) -> list[GuideLink]:
    """"预约办理" on the page of a guide some hall takes bookings for."""
    if guide_id not in guide_ids_with_plans():
        return []
    return [GuideLink("预约办理", url_for("appointments.book", slug=slug))]


register_guide_links("appointments", booking_links)


def _remember(booking_id: int) -> None:
    session["appointments"] = [*session.get("appointments", [])[-(REMEMBERED - 1):], booking_id]


def _own_booking(booking_code: str) -> Booking:
    booking = db.session.scalar(select(Booking).where(Booking.code == booking_code))
    if booking is None or booking.id not in session.get("appointments", []) or booking.erased_at:
        abort(404)  # never reveal whether a code exists to someone who has not proved it
    return booking


def _chosen_plan(plans: list[SlotPlan]) -> SlotPlan | None:
    wanted = request.args.get("plan", type=int)
    return next((p for p in plans if p.id == wanted), plans[0] if len(plans) == 1 else None)


def _slot_choices(form: SlotChoiceForm, plan: SlotPlan | None, day: date | None,
                  posted: bool = False) -> list:
    """The day's slots; the form offers those with free places. A posted choice of a slot that
    filled up meanwhile stays valid, so the booking rules answer it ("已约满")."""
    slots = day_slots(plan, day) if plan and day else []
    form.starts_at.choices = [SelectChoice(s.value, f"{s.label}（余 {s.free} 个）") for s in slots
                              if s.free > 0 or posted]
    return slots


@bp.route("/guide/<slug>", methods=["GET", "POST"])
def book(slug: str):
    """Pick a hall, a day and a slot with free places, give name, ID number and mobile."""
    plans = bookable_plans(slug)
    if not plans:
        abort(404)
    plan, form, status = _chosen_plan(plans), BookingForm(), 200
    days = open_days_of(plan) if plan else []
    day = parse_day(request.args.get("day", ""), days)
    slots = _slot_choices(form, plan, day, posted=form.is_submitted())
    if plan and day and form.validate_on_submit():
        person = services.Person(form.name.data.strip(), form.id_number.data, form.mobile.data,
                                 (form.email.data or "").strip())
        starts_at = time.fromisoformat(form.starts_at.data)

        def attempt() -> tuple[int, str]:
            booking = services.book(plan, day, starts_at, person)
            db.session.commit()
            return booking.id, booking.code

        try:
            booking_id, code = with_retry(attempt)
        except services.BookingRefused as exc:
            db.session.rollback()
            flash(exc.message, "error")
            slots, status = _slot_choices(form, plan, day), 409
        else:
            _remember(booking_id)
            flash("预约成功。请保存预约码，按时到大厅办理。", "success")
            return redirect(url_for("appointments.slip", booking_code=code))
    elif form.is_submitted():
        slots, status = _slot_choices(form, plan, day), 422
    return render_template("appointments/book.html", slug=slug, plans=disclose_all(plans, PUBLIC),
                           plan=disclose(plan, PUBLIC) if plan else None, days=days, day=day,
                           slots=slots, form=form), status


@bp.route("/booking/<booking_code>")
def slip(booking_code: str):
    """The booking slip (printable), with cancel and move while they are allowed."""
    booking = _own_booking(booking_code)
    return render_template("appointments/slip.html", b=disclose(booking, PUBLIC),
                           may_change=services.may_change(booking), cancel_form=CancelForm(),
                           hours=current_app.config["APPOINTMENT_CHANGE_HOURS"])


@bp.route("/booking/<booking_code>.pdf")
def slip_download(booking_code: str):
    """The slip as a PDF."""
    return slip_pdf(disclose(_own_booking(booking_code), PUBLIC), f"{booking_code}.pdf")


@bp.route("/booking/<booking_code>/cancel", methods=["POST"])
def cancel(booking_code: str):
    """Cancel the booking (up to the configured time before the slot)."""
    booking = _own_booking(booking_code)
    if CancelForm().validate_on_submit():
        try:
            services.cancel(booking)
        except services.BookingRefused as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            flash("预约已取消。", "success")
    return redirect(url_for("appointments.slip", booking_code=booking_code))


@bp.route("/booking/<booking_code>/move", methods=["GET", "POST"])
def move(booking_code: str):
    """Move the booking to another day or slot of the same hall and guide."""
    booking = _own_booking(booking_code)
    plan = booking.slot.plan
    days = open_days_of(plan)
    day = parse_day(request.args.get("day", ""), days)
    form, status = SlotChoiceForm(), 200
    slots = _slot_choices(form, plan, day, posted=form.is_submitted())
    if day and form.validate_on_submit():
        try:
            services.reschedule(booking, day, time.fromisoformat(form.starts_at.data))
        except services.BookingRefused as exc:
            db.session.rollback()
            flash(exc.message, "error")
            slots, status = _slot_choices(form, plan, day), 409
        else:
            flash("预约已改期，请以新的预约时段为准。", "success")
            return redirect(url_for("appointments.slip", booking_code=booking_code))
    return render_template("appointments/move.html", b=disclose(booking, PUBLIC), days=days, day=day,
                           slots=slots, form=form, may_change=services.may_change(booking)), status


@bp.route("/manage", methods=["GET", "POST"])
def manage():
    """Find a booking by its code and the last four ID characters (throttled per address and per
    address and code, counted before the code is checked)."""
    form, status = FindBookingForm(), 200
    if form.validate_on_submit():
        keep_writes_despite_status()
        attempt = throttle.Attempt.of("appointment", request.remote_addr, form.code.data.strip().upper(),
                                      per_address=LOOKUP_LIMIT, per_pair=LOOKUP_LIMIT, window=LOOKUP_LOCK)
        if attempt.admit():
            flash("查询失败次数过多，请 15 分钟后再试。", "error")
            status = 429
        else:
            booking = services.find_booking(form.code.data, form.id_last4.data)
            if booking is not None:
                attempt.succeeded()
                _remember(booking.id)
                return redirect(url_for("appointments.slip", booking_code=booking.code))
            attempt.failed()
            record("appointment.lookup", user_id=None, target_type="booking",
                   target_id=form.code.data.strip().upper()[:20], detail={"outcome": "not_found"})
            flash("预约码或身份证号码后四位不正确。", "error")
            status = 404
    return render_template("appointments/manage.html", form=form), status


@bp.route("/statistics")
def statistics():
    """Per guide: bookings, no-show rate and the median wait from booking to slot."""
    return render_template("appointments/statistics.html", rows=guide_statistics())
