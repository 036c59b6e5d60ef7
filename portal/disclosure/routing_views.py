"""Back-office pages for routing: a request's routing page (transfer, consult), the consultations
a department is asked, and a department's answer.

The office (its staff, supervisors and administrators) transfers and consults; a department
sees only the consultations addressed to it (403 for any other) and answers them.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from portal.accounts.models import Department
from portal.auth.access import staff_required
from portal.core.timefmt import local_today
from portal.disclosure import routing
from portal.disclosure.models import Consultation, DisclosureRequest
from portal.disclosure.routing_forms import AnswerForm, ConsultForm, TransferForm
from portal.disclosure.routing_queries import TIMINGS, consultation_list
from portal.disclosure.services import RECEIVING_DEPARTMENT
from portal.extensions import db
from portal.matters.models import Matter
from portal.web.form_posts import REFUSED, apply_form
from portal.web.input_guard import query_id

bp = Blueprint("disclosure_routing", __name__, url_prefix="/staff")


def _departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.position, Department.id)))


def _office_request(tracking_no: str) -> DisclosureRequest:
    """The request numbered ``tracking_no``, for the office only (403 for anyone else)."""
    matter = db.session.scalar(select(Matter).where(Matter.tracking_no == tracking_no))
    if matter is None or matter.kind != "request":
        abort(404)
    if not routing.is_office(current_user):
        abort(403)
    return db.session.get_one(DisclosureRequest, matter.id)


def _forms(req: DisclosureRequest, **given) -> dict:
    departments = _departments()
    transfer_form = given.get("transfer_form", TransferForm(prefix="transfer"))
    transfer_form.department_id.choices = [SelectChoice(0, "请选择")] + [
        SelectChoice(d.id, d.name) for d in departments if d.id != req.matter.department_id]
    consult_form = given.get("consult_form", ConsultForm(prefix="consult"))
    consult_form.department_ids.choices = [SelectChoice(d.id, d.name) for d in departments
                                           if d.code != RECEIVING_DEPARTMENT]
    if not consult_form.is_submitted():
        consult_form.workdays.data = routing.consultation_workdays()
    return {"transfer_form": transfer_form, "consult_form": consult_form}


def _page(req: DisclosureRequest, status: int = 200, **given):
    return render_template("disclosure/staff_routing.html", req=req, m=req.matter,
                           consultations=routing.consultations_of(req.matter_id), today=local_today(),
                           **_forms(req, **given)), status


@bp.route("/requests/<tracking_no>/routing")
@staff_required
def show(tracking_no: str):
    """Where the request is handled, its consultations, and the transfer and consult forms."""
    return _page(_office_request(tracking_no))


@bp.route("/requests/<tracking_no>/transfer", methods=["POST"])
@staff_required
def transfer(tracking_no: str):
    """Transfer the request to the department that holds the information."""
    req = _office_request(tracking_no)
    form = _forms(req, transfer_form=TransferForm(prefix="transfer"))["transfer_form"]
    done = apply_form(form, lambda: routing.transfer(
        req, db.session.get(Department, form.department_id.data), reason=form.reason.data,
        actor_id=current_user.id, day=local_today()), fallback="department_id")
    if done is REFUSED:
        return _page(req, 422, transfer_form=form)
    flash("已转办。", "success")
    return redirect(url_for("disclosure_routing.show", tracking_no=tracking_no))


@bp.route("/requests/<tracking_no>/consult", methods=["POST"])
@staff_required
def consult(tracking_no: str):
    """Ask one or more departments for their opinion (one consultation each)."""
    req = _office_request(tracking_no)
    form = _forms(req, consult_form=ConsultForm(prefix="consult"))["consult_form"]
    done = apply_form(form, lambda: routing.consult(
        req, db.session.scalars(select(Department).where(Department.id.in_(form.department_ids.data))
                                .order_by(Department.position, Department.id)),
        question=form.question.data, workdays=form.workdays.data, actor_id=current_user.id,
        day=local_today()), fallback="department_ids")
    if done is REFUSED:
        return _page(req, 422, consult_form=form)
    flash("已发出征求意见。", "success")
    return redirect(url_for("disclosure_routing.show", tracking_no=tracking_no))


@bp.route("/consultations/")
@staff_required
def index():
    """The consultations of the user's department (the office: all, by department and timing)."""
    today = local_today()
    timing = request.args.get("timing", "open")
    timing = timing if timing in TIMINGS else ""
    office = routing.is_office(current_user)
    department_id = query_id("department") if office else current_user.department_id
    if not office and department_id is None:
        abort(403)
    rows = list(db.session.scalars(consultation_list(department_id, timing, today)))
    return render_template("disclosure/staff_consultations.html", rows=rows, today=today, timing=timing,
                           timings=TIMINGS, office=office, department_id=department_id,
                           departments=_departments() if office else [])


def _consultation_or_403(consultation_id: int) -> Consultation:
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        abort(404)
    if not routing.may_see_consultation(current_user, consultation):
        abort(403)
    return consultation


def _consultation_page(consultation: Consultation, form: AnswerForm | None = None, status: int = 200):
    return render_template(
        "disclosure/staff_consultation.html", c=consultation, m=consultation.matter, today=local_today(),
        form=form or AnswerForm(prefix="answer"), may_answer=routing.may_answer(current_user, consultation),
        may_open_request=routing.may_work_on(current_user, consultation.matter)), status


@bp.route("/consultations/<int:consultation_id>")
@staff_required
def consultation(consultation_id: int):
    """One consultation: the question, the dates, and the answer (or the form to give it)."""
    return _consultation_page(_consultation_or_403(consultation_id))


@bp.route("/consultations/<int:consultation_id>/answer", methods=["POST"])
@staff_required
def answer(consultation_id: int):
    """The consulted department answers."""
    consultation = _consultation_or_403(consultation_id)
    if not routing.may_answer(current_user, consultation):
        abort(403)
    form = AnswerForm(prefix="answer")
    if not form.validate_on_submit():
        return _consultation_page(consultation, form, 422)
    routing.answer(consultation, text=form.answer.data, actor=current_user, day=local_today())
    flash("意见已提交。", "success")
    return redirect(url_for("disclosure_routing.consultation", consultation_id=consultation_id))
