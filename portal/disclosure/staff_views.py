"""Back-office pages for requests: the queue, one request, actions, reply, decisions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from portal.accounts.models import Role, User
from portal.auth.access import role_required, staff_required
from portal.core.errors import FieldError
from portal.core.timefmt import local_today
from portal.disclose import disclose, viewer_of
from portal.disclosure import actions, routing
from portal.disclosure.letters import event_letter as notice_letter
from portal.disclosure.letters import letter_event, reply_letter
from portal.disclosure.models import DisclosureRequest
from portal.disclosure.queries import QueueFilter, queue
from portal.disclosure.replies import REPLY_TYPES, sub_reason_label
from portal.disclosure.services import assign, reply
from portal.disclosure.staff_forms import ActionForm, DecisionForm, ReplyForm
from portal.disclosure.status import STATUS_LABELS, status_label
from portal.extensions import db
from portal.matters.files import attach_office_file, send_attachment
from portal.matters.forms import AssignForm
from portal.matters.labels import event_label
from portal.matters.letter_pdf import pdf_response
from portal.matters.letters import render_letter_page
from portal.matters.models import Matter
from portal.matters.uploads import check_upload
from portal.web.form_posts import REFUSED, apply_form

bp = Blueprint("disclosure_staff", __name__, url_prefix="/staff/requests")


def _scope() -> int | None:
    """The department whose requests the user handles (None: all of them, for the office)."""
    return None if routing.is_office(current_user) else current_user.department_id


def _request_or_404(tracking_no: str) -> DisclosureRequest:
    matter = db.session.scalar(select(Matter).where(Matter.tracking_no == tracking_no))
    if matter is None or matter.kind != "request":
        abort(404)
    if not routing.may_work_on(current_user, matter):
        abort(403)
    return db.session.get_one(DisclosureRequest, matter.id)


@bp.route("/")
@staff_required
def index():
    """The queue, sorted by due date, with filters."""
    args = request.args
    flt = QueueFilter(status=args.get("status", "") if args.get("status") in STATUS_LABELS else "",
                      timing=args.get("timing", "") if args.get("timing") in ("due-soon", "overdue")
                      else "", assignee_id=args.get("assignee", type=int))
    today = local_today()
    rows = list(db.session.scalars(queue(_scope(), flt, today, officer_id=current_user.id)))
    assignees = list(db.session.scalars(select(User).where(User.active.is_(True))
                                        .order_by(User.username)))
    return render_template("disclosure/staff_queue.html", rows=rows, flt=flt, today=today,
                           statuses=STATUS_LABELS, status_label=status_label, assignees=assignees)


def _forms(req: DisclosureRequest) -> dict:
    assign_form = AssignForm(prefix="assign")
    staff = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.username))
    assign_form.assignee_id.choices = [SelectChoice(0, "（未分配）")] + [
        SelectChoice(u.id, f"{u.display_name}（{u.department.name if u.department else '—'}）")
        for u in staff]
    action_form = ActionForm(prefix="action")
    if not action_form.is_submitted():
        action_form.day.data = local_today()
    return {"assign_form": assign_form, "action_form": action_form,
            "reply_form": ReplyForm(prefix="reply"), "decision_form": DecisionForm(prefix="decision")}


def _render(req: DisclosureRequest, status: int = 200, **forms):
    context = _forms(req) | forms
    context["action_form"].action.choices = [  # what the workflow table allows now
        SelectChoice(code, label) for code, label in actions.offered_actions(req)]
    shown = disclose(req, viewer_of(current_user))
    return render_template(
        "disclosure/staff_show.html", req=req, shown=shown, status_label=status_label,
        event_label=event_label,
        reply_types=REPLY_TYPES, sub_reason=sub_reason_label(req.reply_type, req.reply_sub_reason),
        pending_extension=actions.pending_extension(req),
        month_count=actions.applicant_requests_in_month(req), may_reply=actions.may_reply(req),
        consultations=routing.consultations_of(req.matter_id), may_route=routing.is_office(current_user),
        today=local_today(),
        is_supervisor=current_user.has_role(Role.SUPERVISOR, Role.ADMIN), **context), status


@bp.route("/<tracking_no>")
@staff_required
def show(tracking_no: str):
    """One request: applicant (as cleared), events, clock explanation, actions."""
    return _render(_request_or_404(tracking_no))


@bp.route("/<tracking_no>/files/<int:attachment_id>")
@staff_required
def file(tracking_no: str, attachment_id: int):
    """Download a file of the request (the applicant's or the office's)."""
    req = _request_or_404(tracking_no)
    return send_attachment(req.matter, attachment_id, office_only=False)


def _addressee(req: DisclosureRequest) -> str:
    """The applicant's name as this member of staff may see it (the view is audited)."""
    return disclose(req, viewer_of(current_user)).get("applicant_name") or "申请人"


def _notice(tracking_no: str, event_id: int):
    req = _request_or_404(tracking_no)
    event = letter_event(req, event_id)
    if event is None:
        abort(404)
    return notice_letter(req, event, _addressee(req))


@bp.route("/<tracking_no>/notices/<int:event_id>")
@staff_required
def event_letter(tracking_no: str, event_id: int):
    """The printable notice (告知书) of one step, as the applicant receives it."""
    return render_letter_page(_notice(tracking_no, event_id), url_for(
        "disclosure_staff.event_letter_pdf", tracking_no=tracking_no, event_id=event_id))


@bp.route("/<tracking_no>/notices/<int:event_id>.pdf")
@staff_required
def event_letter_pdf(tracking_no: str, event_id: int):
    """The same notice as a PDF."""
    return pdf_response(_notice(tracking_no, event_id), f"{tracking_no}-{event_id}.pdf")


def _reply(tracking_no: str):
    req = _request_or_404(tracking_no)
    if req.reply_sent_on is None:
        abort(404)
    return reply_letter(req, _addressee(req))


@bp.route("/<tracking_no>/letter")
@staff_required
def letter(tracking_no: str):
    """The reply letter as the applicant receives it."""
    return render_letter_page(_reply(tracking_no),
                              url_for("disclosure_staff.letter_pdf", tracking_no=tracking_no))


@bp.route("/<tracking_no>/letter.pdf")
@staff_required
def letter_pdf(tracking_no: str):
    """The reply letter as a PDF."""
    return pdf_response(_reply(tracking_no), f"{tracking_no}.pdf")


@bp.route("/<tracking_no>/assign", methods=["POST"])
@staff_required
def assign_view(tracking_no: str):
    """Assign or reassign."""
    req = _request_or_404(tracking_no)
    form = _forms(req)["assign_form"]
    if form.validate_on_submit():
        assign(req.matter, form.assignee_id.data or None, current_user.id)
        flash("已分配。", "success")
    return redirect(url_for("disclosure_staff.show", tracking_no=tracking_no))


@bp.route("/<tracking_no>/action", methods=["POST"])
@staff_required
def action(tracking_no: str):
    """Record a step (clarification, consultation, extension request, note)."""
    req = _request_or_404(tracking_no)
    form = ActionForm(prefix="action")
    warnings = apply_form(form, lambda: actions.take_action(
        req, form.action.data, day=form.day.data, actor_id=current_user.id,
        deadline=form.deadline.data, days=form.days.data, message=form.message.data or "",
        note=form.note.data or "", fee_method=form.fee_method.data, pages=form.pages.data), fallback="action")
    if warnings is REFUSED:
        return _render(req, 422, action_form=form)
    for warning in warnings:
        flash(warning, "warning")
    flash("已记录。", "success")
    return redirect(url_for("disclosure_staff.show", tracking_no=tracking_no))


@bp.route("/<tracking_no>/reply", methods=["POST"])
@staff_required
def reply_view(tracking_no: str):
    """Draft and send the reply (or submit it for approval)."""
    req = _request_or_404(tracking_no)
    form = ReplyForm(prefix="reply")
    if not form.validate_on_submit():
        return _render(req, 422, reply_form=form)
    type_code, _, sub_code = (form.sub_reason.data or "").partition(":")
    if type_code and type_code != form.reply_type.data:
        form.sub_reason.errors.append("具体理由与答复类型不一致。")
        return _render(req, 422, reply_form=form)
    try:
        upload = form.attachment.data
        if upload:
            checked = check_upload("attachment", upload.filename, upload.read())
            attach_office_file(req.matter, checked)
        outcome = reply(req, type_code=form.reply_type.data, sub_code=sub_code or None,
                        text=form.reply_md.data, actor_id=current_user.id,
                        supervisor_approved=False)
    except FieldError as exc:
        db.session.rollback()
        getattr(form, exc.field, form.reply_md).errors.append(exc.message)
        return _render(_request_or_404(tracking_no), 422, reply_form=form)
    flash("答复已提交审批。" if outcome == "reply_pending_approval" else "已答复。", "success")
    return redirect(url_for("disclosure_staff.show", tracking_no=tracking_no))


@bp.route("/<tracking_no>/decide/<what>", methods=["POST"])
@role_required(Role.SUPERVISOR, Role.ADMIN)
def decide(tracking_no: str, what: str):
    """A supervisor decides on an extension or a reply that needs approval."""
    req = _request_or_404(tracking_no)
    form = DecisionForm(prefix="decision")
    if what not in ("extension", "reply") or not form.validate_on_submit():
        abort(400)
    decide_fn = actions.decide_extension if what == "extension" else actions.decide_reply
    try:
        decide_fn(req, approve=form.decision.data == "approve", supervisor_id=current_user.id,
                  note=form.note.data or "")
    except FieldError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _render(_request_or_404(tracking_no), 422)
    flash("已批准。" if form.decision.data == "approve" else "已退回。", "success")
    return redirect(url_for("disclosure_staff.show", tracking_no=tracking_no))
