"""Citizen pages of the complaint channel: file, receipt, status, rating, review, statistics."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from portal.accounts.models import Department
from portal.complaints.forms import ComplaintForm, RatingForm, ReviewForm
from portal.complaints.letters import complaint_letter, letter_events
from portal.complaints.models import COMPLAINT_TYPES, DECISIONS, OUTCOMES, Complaint
from portal.complaints.services import file_complaint, request_review
from portal.complaints.stats import monthly_statistics, published_summaries
from portal.core.classification import PUBLIC
from portal.core.errors import FieldError
from portal.core.timefmt import local_today
from portal.disclose import disclose, disclose_all
from portal.extensions import db
from portal.matters.letter_pdf import pdf_response
from portal.matters.letters import Letter, render_letter_page
from portal.matters.services import add_event, new_submission_key
from portal.matters.tracked import lookup_prefill, remember_tracked, tracked_matter, tracked_record
from portal.matters.uploads import check_upload

bp = Blueprint("complaints", __name__)
FIELDS = ("complaint_type", "about_department_id", "officer_name", "officer_number", "happened_on",
          "what_happened", "wants", "anonymous", "complainant_name", "phone", "email")
LABELS = {"types": COMPLAINT_TYPES, "decisions": DECISIONS, "outcomes": OUTCOMES}
STATUS = {"received": "已收到，待决定是否受理", "accepted": "已受理，办理中",
          "extension_requested": "已受理，办理中", "not_accepted": "不予受理",
          "transferred": "已转送其他机关", "replied": "已答复", "reviewing": "复查中",
          "reviewed": "复查已答复"}


def _departments() -> list:
    return list(db.session.scalars(select(Department).order_by(Department.position)))


@bp.route("/complain", methods=["GET", "POST"])
def complain():
    """The complaint form; a valid submission answers with the receipt."""
    form = ComplaintForm()
    form.about_department_id.choices = [SelectChoice("", "请选择"),
                                        *(SelectChoice(d.id, d.name) for d in _departments())]
    if not form.is_submitted():
        form.submission_key.data = new_submission_key()
    elif form.validate():
        upload = form.attachment.data
        try:
            checked = check_upload("attachment", upload.filename, upload.read()) if upload else None
            fields = {name: getattr(form, name).data for name in FIELDS}
            fields = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
            if form.anonymous.data:
                fields |= {"complainant_name": "", "phone": "", "email": ""}
            filed = file_complaint(fields, submission_key=form.submission_key.data
                                   or new_submission_key(), attachment=checked)
        except FieldError as exc:
            getattr(form, exc.field, form.what_happened).errors.append(exc.message)
        else:
            if filed.access_code:
                remember_tracked(filed.complaint.matter_id)
            return render_template("complaints/receipt.html", matter=disclose(filed.complaint.matter,
                                                                              PUBLIC),
                                   access_code=filed.access_code, repeated=filed.repeated)
    return render_template("complaints/complain.html", form=form)


def _tracked(tracking_no: str) -> Complaint:
    return tracked_record(tracking_no, "complaint", Complaint)


@bp.route("/complaints/<tracking_no>")
def status(tracking_no: str):
    """Status, due date with its explanation, decision, reply; rating and 复查 once replied.

    Opened without the access code (a bookmark, a new browser), it leads to the lookup form.
    """
    if tracked_matter(tracking_no, "complaint") is None:
        return redirect(url_for("disclosure.track", no=lookup_prefill(tracking_no) or None))
    complaint = _tracked(tracking_no)
    shown = disclose(complaint, PUBLIC)
    events = [e for e in disclose_all(complaint.matter.events, PUBLIC) if e.message]
    return render_template("complaints/status.html", c=shown, matter=shown.matter, events=events,
                           status=STATUS.get(complaint.matter.status, complaint.matter.status),
                           letters=letter_events(complaint),
                           labels=LABELS, rating_form=RatingForm(), review_form=ReviewForm())


def _letter(tracking_no: str, event_id: int) -> Letter:
    complaint = _tracked(tracking_no)
    letter = complaint_letter(complaint, event_id, complaint.complainant_name)
    if letter is None:
        abort(404)
    return letter


@bp.route("/complaints/<tracking_no>/letters/<int:event_id>")
def letter(tracking_no: str, event_id: int):
    """The complainant's printable copy of a decision or handling opinion."""
    return render_letter_page(_letter(tracking_no, event_id), url_for(
        "complaints.letter_pdf", tracking_no=tracking_no, event_id=event_id))


@bp.route("/complaints/<tracking_no>/letters/<int:event_id>.pdf")
def letter_pdf(tracking_no: str, event_id: int):
    """The same letter as a PDF."""
    return pdf_response(_letter(tracking_no, event_id), f"{tracking_no}-{event_id}.pdf")


@bp.route("/complaints/<tracking_no>/rate", methods=["POST"])
def rate(tracking_no: str):
    """Rate the reply; 不满意 offers the review request on the status page."""
    complaint = _tracked(tracking_no)
    form = RatingForm()
    if complaint.replied_on is None or complaint.matter.status not in ("replied", "reviewed"):
        flash("答复后才能评价。", "error")
    elif form.validate_on_submit():
        complaint.rating, complaint.rating_comment = form.rating.data, form.comment.data or ""
        add_event(complaint.matter, "rated", complaint.replied_on, actor_id=None,
                  note=form.rating.data)
        flash("感谢您的评价。" + ("如对处理结果不满意，可以在下方申请复查。"
                                 if form.rating.data == "unsatisfied" else ""), "success")
    else:
        flash("请选择评价。", "error")
    return redirect(url_for("complaints.status", tracking_no=tracking_no))


@bp.route("/complaints/<tracking_no>/review", methods=["POST"])
def review(tracking_no: str):
    """Request 复查 within the window after the reply."""
    complaint = _tracked(tracking_no)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            request_review(complaint, reason=form.reason.data, day=local_today())
        except FieldError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("complaints.status", tracking_no=tracking_no))
        flash("已收到您的复查申请。", "success")
    else:
        flash("请说明申请复查的理由。", "error")
    return redirect(url_for("complaints.status", tracking_no=tracking_no))


@bp.route("/complaints/statistics")
def statistics():
    """Complaints by type, outcome and department per month, and the on-time rate."""
    return render_template("complaints/statistics.html", stats=monthly_statistics(), labels=LABELS)


@bp.route("/complaints/outcomes")
def outcomes():
    """De-identified outcome summaries supervisors chose to publish."""
    return render_template("complaints/outcomes.html",
                           summaries=disclose_all(published_summaries(), PUBLIC), labels=LABELS)
