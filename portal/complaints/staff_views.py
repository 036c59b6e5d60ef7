"""Back-office pages for complaints: queue, detail, routing, decision, assignment, extension,
reply, published summary, and the per-type time-limit policy."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from portal.accounts.models import Department, Role, User
from portal.auth.access import role_required, staff_required
from portal.complaints import routing, services
from portal.complaints.forms import DecisionForm, ExtensionForm, ReplyForm, RouteForm, SummaryForm
from portal.complaints.letters import complaint_letter, letter_events
from portal.complaints.models import COMPLAINT_TYPES, Complaint
from portal.complaints.policy import all_policies
from portal.complaints.views import LABELS, STATUS
from portal.complaints.workflow import COMPLAINTS
from portal.core.errors import FieldError
from portal.core.timefmt import local_today
from portal.disclose import disclose, viewer_of
from portal.extensions import db
from portal.matters import time_extension
from portal.matters.forms import AssignForm
from portal.matters.labels import event_label
from portal.matters.letter_pdf import pdf_response
from portal.matters.letters import Letter, render_letter_page
from portal.matters.models import Matter
from portal.matters.services import recompute_open_deadlines
from portal.web.input_guard import whole_number

bp = Blueprint("complaints_staff", __name__, url_prefix="/staff/complaints")


def _complaint_or_404(tracking_no: str) -> Complaint:
    matter = db.session.scalar(select(Matter).where(Matter.tracking_no == tracking_no))
    if matter is None or matter.kind != "complaint":
        abort(404)
    if not current_user.is_overseer and matter.department_id != current_user.department_id:
        abort(403)
    complaint = db.session.get_one(Complaint, matter.id)
    if not services.may_handle(complaint, current_user):
        abort(403)  # the officer complained about, or their direct supervisor
    return complaint


@bp.route("/")
@staff_required
def index():
    """Complaints of the user's department (all for supervisors), soonest due first."""
    query = (select(Complaint).join(Matter, Matter.id == Complaint.matter_id)
             .order_by(Matter.closed_on.is_not(None), Matter.due_on.is_(None), Matter.due_on))
    if not current_user.is_overseer:
        query = query.where(Matter.department_id == current_user.department_id)
    rows = [c for c in db.session.scalars(query) if services.may_handle(c, current_user)]
    return render_template("complaints/staff_queue.html", rows=rows, today=local_today(),
                           status=STATUS, labels=LABELS)


def _page(complaint: Complaint, status: int = 200, **forms):
    assign_form = AssignForm(prefix="assign")
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.username))
    assign_form.assignee_id.choices = [SelectChoice(0, "（未分配）")] + [
        SelectChoice(u.id, u.display_name) for u in users
        if services.may_handle(complaint, u) and routing.may_review(complaint, u)]
    decision_form = DecisionForm(prefix="decision")
    reply_form = ReplyForm(prefix="reply")
    if not decision_form.is_submitted():
        decision_form.day.data = reply_form.day.data = local_today()
    context = {"assign_form": assign_form, "decision_form": decision_form,
               "extension_form": ExtensionForm(prefix="ext"), "reply_form": reply_form,
               "summary_form": SummaryForm(prefix="summary"),
               "route_form": _route_form(complaint=complaint)} | forms
    return render_template(
        "complaints/staff_show.html", c=complaint, shown=_shown(complaint),
        hidden_reasons=routing.identity_hidden_from(complaint, current_user),
        status=STATUS, labels=LABELS, event_label=event_label,
        pending=time_extension.pending_extension(complaint.matter), letters=letter_events(complaint),
        allowed={t.action for t in COMPLAINTS.allowed(complaint.matter, ("staff", "supervisor"))},
        is_supervisor=current_user.has_role(Role.SUPERVISOR, Role.ADMIN), **context), status


def _shown(complaint: Complaint):
    """The complaint as the current user may see it (no complainant identity for the unit)."""
    return disclose(complaint, viewer_of(current_user),
                    hidden=routing.identity_hidden_from(complaint, current_user))


def _route_form(form: RouteForm | None = None, complaint: Complaint | None = None) -> RouteForm:
    """The routing form with every department as a choice, the unit complained about first."""
    form = form or RouteForm(prefix="route")
    form.department_id.choices = [SelectChoice(d.id, d.name) for d in db.session.scalars(
        select(Department).order_by(Department.id))]
    if complaint is not None and not form.is_submitted():
        form.department_id.data = complaint.about_department_id
    return form


@bp.route("/<tracking_no>")
@staff_required
def show(tracking_no: str):
    """One complaint with its clock and the actions open at its stage."""
    return _page(_complaint_or_404(tracking_no))


def _act(tracking_no: str, form_class, prefix: str, action):
    """Validate a form, run ``action(complaint, form)``; on refusal answer 422, keep nothing."""
    complaint = _complaint_or_404(tracking_no)
    form = form_class(prefix=prefix)
    if form_class is RouteForm:
        form = _route_form(form)
    if form_class is AssignForm:  # any user is a valid choice; the service applies the rules
        form.assignee_id.choices = [SelectChoice(0, "")] + [
            SelectChoice(u.id, u.display_name) for u in db.session.scalars(select(User))]
    if not form.validate_on_submit():
        name = "extension_form" if prefix == "ext" else f"{prefix}_form"
        return _page(complaint, 422, **{name: form})
    try:
        message = action(complaint, form)
    except FieldError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _page(_complaint_or_404(tracking_no), 422)
    flash(message, "success")
    return redirect(url_for("complaints_staff.show", tracking_no=tracking_no))


@bp.route("/<tracking_no>/decide", methods=["POST"])
@staff_required
def decide(tracking_no: str):
    """受理 / 不予受理 / 转送."""
    def run(c, f):
        services.decide_acceptance(c, f.decision.data, day=f.day.data, reason=f.reason.data or "",
                                   transferred_to=f.transferred_to.data or "", actor_id=current_user.id)
        return "已记录受理决定并告知投诉人。"
    return _act(tracking_no, DecisionForm, "decision", run)


@bp.route("/<tracking_no>/assign", methods=["POST"])
@staff_required
def assign(tracking_no: str):
    """Assign (never to the officer concerned or their direct supervisor)."""
    def run(c, f):
        services.assign(c, db.session.get(User, f.assignee_id.data) if f.assignee_id.data else None,
                        current_user.id)
        return "已分配。"
    return _act(tracking_no, AssignForm, "assign", run)


@bp.route("/<tracking_no>/route", methods=["POST"])
@role_required(Role.SUPERVISOR, Role.ADMIN)
def route(tracking_no: str):
    """A supervisor sends the complaint to another department, with a reason (audited)."""
    def run(c, f):
        routing.route(c, db.session.get(Department, f.department_id.data), reason=f.reason.data,
                      actor_id=current_user.id)
        return "已改变承办单位。"
    return _act(tracking_no, RouteForm, "route", run)


@bp.route("/<tracking_no>/extension", methods=["POST"])
@staff_required
def request_extension(tracking_no: str):
    """Ask a supervisor for an extension (one, at most the policy's maximum)."""
    def run(c, f):
        services.request_extension(c, days=f.days.data, reason=f.reason.data, actor_id=current_user.id)
        return "延期申请已提交监督人员审批。"
    return _act(tracking_no, ExtensionForm, "ext", run)


@bp.route("/<tracking_no>/extension/<verdict>", methods=["POST"])
@role_required(Role.SUPERVISOR, Role.ADMIN)
def decide_extension(tracking_no: str, verdict: str):
    """A supervisor grants or refuses the pending extension; the complainant is told why."""
    complaint = _complaint_or_404(tracking_no)
    if verdict not in ("approve", "refuse"):  # CSRF is checked for every POST by CSRFProtect
        abort(404)
    try:
        granted = services.decide_extension(complaint, approve=verdict == "approve",
                                            supervisor_id=current_user.id)
    except FieldError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _page(_complaint_or_404(tracking_no), 422)
    flash("已批准延期。" if granted else "已不批准延期。", "success")
    return redirect(url_for("complaints_staff.show", tracking_no=tracking_no))


@bp.route("/<tracking_no>/reply", methods=["POST"])
@staff_required
def reply(tracking_no: str):
    """The handling (or review) result."""
    def run(c, f):
        services.reply(c, outcome=f.outcome.data, text=f.reply_md.data, day=f.day.data,
                       actor_id=current_user.id)
        return "已答复投诉人。"
    return _act(tracking_no, ReplyForm, "reply", run)


@bp.route("/<tracking_no>/summary", methods=["POST"])
@role_required(Role.SUPERVISOR, Role.ADMIN)
def summary(tracking_no: str):
    """Publish a de-identified outcome summary (through the classification filter)."""
    def run(c, f):
        services.publish_summary(c, f.summary_md.data, current_user.id)
        return "处理情况摘要已公开。"
    return _act(tracking_no, SummaryForm, "summary", run)


def _letter(tracking_no: str, event_id: int) -> Letter:
    complaint = _complaint_or_404(tracking_no)
    addressee = _shown(complaint).get("complainant_name") or "投诉人"
    letter = complaint_letter(complaint, event_id, addressee)
    if letter is None:
        abort(404)
    return letter


@bp.route("/<tracking_no>/letters/<int:event_id>")
@staff_required
def letter(tracking_no: str, event_id: int):
    """A decision or handling opinion as the complainant receives it."""
    return render_letter_page(_letter(tracking_no, event_id), url_for(
        "complaints_staff.letter_pdf", tracking_no=tracking_no, event_id=event_id))


@bp.route("/<tracking_no>/letters/<int:event_id>.pdf")
@staff_required
def letter_pdf(tracking_no: str, event_id: int):
    """The same letter as a PDF."""
    return pdf_response(_letter(tracking_no, event_id), f"{tracking_no}-{event_id}.pdf")


@bp.route("/policies", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def policies():
    """Time limits per complaint type (defaults from 《信访工作条例》, calendar days)."""
    rows = all_policies()
    if request.method == "POST":
        errors = []
        for row in rows:
            values = {}
            for name in ("accept_days", "handle_days", "max_extension_days", "review_window_days",
                         "review_days"):
                days = whole_number(request.form.get(f"{row.complaint_type}-{name}", ""), 365)
                if not days:
                    errors.append(f"{COMPLAINT_TYPES[row.complaint_type]}：天数应为 1–365 的整数")
                    break
                values[name] = days
            unit = request.form.get(f"{row.complaint_type}-unit", row.unit)
            if unit not in ("calendar_days", "working_days"):
                errors.append("计时单位不正确")
            if not errors:
                for name, value in values.items():
                    setattr(row, name, value)
                row.unit, row.updated_by_id = unit, current_user.id
        if errors:
            db.session.rollback()
            for error in dict.fromkeys(errors):
                flash(error, "error")
            return render_template("complaints/staff_policies.html", rows=all_policies(),
                                   types=COMPLAINT_TYPES), 422
        recompute_open_deadlines()
        flash("时限已保存，未办结投诉的期限已重新计算。", "success")
        return redirect(url_for("complaints_staff.policies"))
    return render_template("complaints/staff_policies.html", rows=rows, types=COMPLAINT_TYPES)
