"""Back-office pages: service halls, their slot plans per guide, and a hall's day list where
staff mark arrivals, service and no-shows. Staff manage their own department's halls;
supervisors and administrators every hall."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from portal.accounts.models import Department
from portal.appointments import halls, services
from portal.appointments.forms import HallForm, MarkForm, PlanActiveForm, PlanForm
from portal.appointments.models import Booking, ServiceHall, SlotPlan
from portal.appointments.queries import day_list, guide_choices, halls_of, plans_of
from portal.auth.access import require_department, staff_required
from portal.core.errors import FieldError
from portal.core.timefmt import local_today
from portal.disclose import disclose, viewer_of
from portal.extensions import db

bp = Blueprint("appointments_staff", __name__, url_prefix="/staff/appointments")


def _hall_form(form: HallForm | None = None) -> HallForm:
    form = form or HallForm()
    departments = db.session.scalars(select(Department).order_by(Department.position))
    form.department_id.choices = [SelectChoice(d.id, d.name) for d in departments
                                  if current_user.can_manage_department(d.id)]
    return form


def _plan_form() -> PlanForm:
    form = PlanForm()
    form.guide_id.choices = [SelectChoice(gid, title) for gid, _slug, title in guide_choices()]
    return form


def _hall_or_404(hall_id: int) -> ServiceHall:
    hall = db.session.get(ServiceHall, hall_id)
    if hall is None:
        abort(404)
    require_department(hall.department_id)
    return hall


@bp.route("/", methods=["GET", "POST"])
@staff_required
def index():
    """The halls the user manages, and a form for a new one."""
    form = _hall_form()
    if not form.is_submitted():
        form.department_id.data = current_user.department_id
    if form.validate_on_submit():
        require_department(form.department_id.data)
        hall = halls.save_hall(None, name=form.name.data, address=form.address.data, hours=form.hours.data,
                               department_id=form.department_id.data, active=form.active.data,
                               user_id=current_user.id)
        flash("办事大厅已添加。", "success")
        return redirect(url_for("appointments_staff.hall", hall_id=hall.id))
    rows = halls_of(None if current_user.is_overseer else current_user.department_id)
    return render_template("appointments/staff_halls.html", halls=rows, form=form,
                           today=local_today()), 422 if form.errors else 200


@bp.route("/halls/<int:hall_id>", methods=["GET", "POST"])
@staff_required
def hall(hall_id: int):
    """A hall's details (editable) and the slot plans it offers."""
    found = _hall_or_404(hall_id)
    form = _hall_form(HallForm(obj=found))
    if form.validate_on_submit():
        require_department(form.department_id.data)
        halls.save_hall(found, name=form.name.data, address=form.address.data, hours=form.hours.data,
                        department_id=form.department_id.data, active=form.active.data,
                        user_id=current_user.id)
        flash("已保存。", "success")
        return redirect(url_for("appointments_staff.hall", hall_id=hall_id))
    return _hall_page(found, form=form, plan_form=_plan_form(), status=422 if form.errors else 200)


def _hall_page(found: ServiceHall, *, form: HallForm, plan_form: PlanForm, status: int):
    return render_template("appointments/staff_hall.html", hall=found, form=form, plan_form=plan_form,
                           plans=plans_of(found.id), active_form=PlanActiveForm(),
                           today=local_today()), status


@bp.route("/halls/<int:hall_id>/plans", methods=["POST"])
@staff_required
def add_plan(hall_id: int):
    """Offer a guide at the hall with its daily slots."""
    found = _hall_or_404(hall_id)
    plan_form = _plan_form()
    if plan_form.validate_on_submit():
        guide = next((g for g in guide_choices() if g[0] == plan_form.guide_id.data), None)
        try:
            if guide is None:
                raise FieldError("guide_id", "请选择事项。")
            halls.add_plan(found, guide=guide, opens_at=plan_form.opens_at.data,
                           closes_at=plan_form.closes_at.data, slot_minutes=plan_form.slot_minutes.data,
                           capacity=plan_form.capacity.data, user_id=current_user.id)
        except FieldError as exc:
            db.session.rollback()
            getattr(plan_form, exc.field).errors.append(exc.message)
        else:
            flash("预约时段已添加。", "success")
            return redirect(url_for("appointments_staff.hall", hall_id=hall_id))
    return _hall_page(found, form=_hall_form(HallForm(obj=found, formdata=None)), plan_form=plan_form,
                      status=422)


@bp.route("/plans/<int:plan_id>/active", methods=["POST"])
@staff_required
def plan_active(plan_id: int):
    """Stop or resume taking bookings for a plan."""
    plan = db.session.get(SlotPlan, plan_id)
    if plan is None:
        abort(404)
    require_department(plan.hall.department_id)
    form = PlanActiveForm()
    if form.validate_on_submit():
        halls.set_plan_active(plan, form.active.data == "1", current_user.id)
        flash("已保存。", "success")
    return redirect(url_for("appointments_staff.hall", hall_id=plan.hall_id))


@bp.route("/halls/<int:hall_id>/day")
@staff_required
def day(hall_id: int):
    """The hall's bookings of one day (printable), with the marks."""
    found = _hall_or_404(hall_id)
    try:
        chosen = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        chosen = local_today()
    viewer = viewer_of(current_user)
    rows = [(booking, disclose(booking, viewer)) for booking in day_list(found.id, chosen)]
    return render_template("appointments/staff_day.html", hall=found, day=chosen, rows=rows,
                           mark_form=MarkForm(), marks=services.MARKS)


@bp.route("/bookings/<int:booking_id>/mark", methods=["POST"])
@staff_required
def mark(booking_id: int):
    """Record arrived, served or no-show."""
    booking = db.session.get(Booking, booking_id)
    if booking is None:
        abort(404)
    require_department(booking.department_id)
    form = MarkForm()
    hall_id = booking.slot.plan.hall_id
    if form.validate_on_submit():
        try:
            services.mark(booking, form.status.data, current_user.id)
        except services.BookingRefused as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            flash(f"已登记：{services.MARKS[form.status.data]}。", "success")
    else:
        flash("请选择到场情况。", "error")
    return redirect(url_for("appointments_staff.day", hall_id=hall_id, day=booking.slot_day.isoformat()))
