"""Citizen pages: file a request, get a receipt, follow its progress, rate the reply."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from portal.audit.services import record
from portal.auth import throttle
from portal.core.classification import PUBLIC
from portal.core.errors import FieldError
from portal.disclose import disclose, disclose_all
from portal.disclosure.forms import LookupForm, RatingForm, RequestForm
from portal.disclosure.letters import LETTER_BASIS, letter_event, reply_letter
from portal.disclosure.letters import event_letter as notice_letter
from portal.disclosure.models import DisclosureRequest
from portal.disclosure.replies import REPLY_TYPES, sub_reason_label
from portal.disclosure.services import file_request, looks_like_complaint
from portal.disclosure.status import status_label
from portal.matters.files import office_files, send_attachment
from portal.matters.labels import STATUS_ENDPOINTS
from portal.matters.letter_pdf import pdf_response
from portal.matters.letters import administrative_remedies, render_letter_page
from portal.matters.models import MatterEvent
from portal.matters.services import add_event, find_by_code, new_submission_key
from portal.matters.tracked import lookup_prefill, remember_tracked, tracked_matter, tracked_record
from portal.matters.uploads import check_upload
from portal.web import keep_writes_despite_status

bp = Blueprint("disclosure", __name__)
LOOKUP_LIMIT = 10  # failed lookups per client address ...
NUMBER_LIMIT = 5  # ... and per number from that address, then that address is locked
LOOKUP_LOCK = timedelta(minutes=15)
FIELDS = ("applicant_type", "applicant_name", "id_type", "id_number", "phone", "email",
          "address", "description", "purpose", "delivery")


@bp.route("/apply", methods=["GET", "POST"])
def apply():
    """The request form; a valid submission answers with the receipt (回执)."""
    form = RequestForm()
    if not form.is_submitted():
        form.submission_key.data = new_submission_key()
    elif form.validate():
        if looks_like_complaint(form.description.data) and not request.form.get("confirm_request"):
            return render_template("disclosure/apply.html", form=form, complaint_warning=True)
        upload = form.attachment.data
        try:
            checked = check_upload("attachment", upload.filename, upload.read()) if upload else None
            fields = {name: getattr(form, name).data for name in FIELDS}
            fields["org_kind"] = form.org_kind.data if form.applicant_type.data == "org" else None
            key = form.submission_key.data or new_submission_key()
            filed = file_request(fields, submission_key=key, attachment=checked)
        except FieldError as exc:
            getattr(form, exc.field, form.description).errors.append(exc.message)
        else:
            remember_tracked(filed.request.matter_id)
            matter = disclose(filed.request.matter, PUBLIC)
            return render_template("disclosure/receipt.html", matter=matter,
                                   access_code=filed.access_code, repeated=filed.repeated)
    return render_template("disclosure/apply.html", form=form)


def _audit_lookup(tracking_no: str, outcome: str) -> None:
    number = tracking_no.strip().upper()[:64]
    record("matter.lookup", user_id=None, target_type="matter", target_id=number,
           detail={"tracking_no": number, "outcome": outcome})


@bp.route("/track", methods=["GET", "POST"])
def track():
    """Look a request up by tracking number and access code (throttled per address).

    Every lookup is audited (never the code); a known number with a wrong code and an unknown
    number cost the same work and get the same answer.
    """
    form = LookupForm()
    if request.method == "GET" and not form.tracking_no.data:
        form.tracking_no.data = lookup_prefill(request.args.get("no", ""))
    status = 200
    if form.validate_on_submit():
        keep_writes_despite_status()  # failure counters and audit rows outlive the 404
        number = form.tracking_no.data.strip().upper()
        address = request.remote_addr
        attempt = throttle.Attempt.of("track", address, number, per_address=LOOKUP_LIMIT,
                                      per_pair=NUMBER_LIMIT, window=LOOKUP_LOCK)
        if attempt.admit():
            _audit_lookup(form.tracking_no.data, "throttled")
            flash("查询失败次数过多，请 15 分钟后再试。", "error")
            status = 429
        else:
            matter = find_by_code(form.tracking_no.data, form.access_code.data)
            if matter is not None:
                attempt.succeeded()
                _audit_lookup(matter.tracking_no, "found")
                remember_tracked(matter.id)
                target = STATUS_ENDPOINTS.get(matter.kind, "disclosure.status")
                return redirect(url_for(target, tracking_no=matter.tracking_no))
            attempt.failed()
            _audit_lookup(form.tracking_no.data, "not_found")
            flash("受理编号或查询码不正确。", "error")
            status = 404
    return render_template("disclosure/track.html", form=form), status


def _tracked_request(tracking_no: str) -> DisclosureRequest:
    return tracked_record(tracking_no, "request", DisclosureRequest)


@bp.route("/track/<tracking_no>")
def status(tracking_no: str):
    """Where the request stands, with the due date's explanation, messages and the reply.

    Opened without the access code (a bookmark, a new browser), it leads to the lookup form.
    """
    if tracked_matter(tracking_no, "request") is None:
        return redirect(url_for("disclosure.track", no=lookup_prefill(tracking_no) or None))
    req = _tracked_request(tracking_no)
    shown = disclose(req, PUBLIC)
    events = [e for e in disclose_all(req.matter.events, PUBLIC) if e.message]
    reply_type = REPLY_TYPES.get(req.reply_type or "") if req.reply_sent_on else None
    return render_template(
        "disclosure/status.html", req=shown, matter=shown.matter, events=events,
        files=office_files(req.matter) if req.reply_sent_on else [], letters=LETTER_BASIS,
        status_label=status_label(req.matter.status), reply_type=reply_type,
        sub_reason=sub_reason_label(req.reply_type, req.reply_sub_reason), remedies="".join(administrative_remedies()),
        rating_form=RatingForm())


@bp.route("/track/<tracking_no>/files/<int:attachment_id>")
def file(tracking_no: str, attachment_id: int):
    """Download a file the office sent with its reply."""
    req = _tracked_request(tracking_no)
    if req.reply_sent_on is None:
        abort(404)
    return send_attachment(req.matter, attachment_id, office_only=True)


def _event_or_404(req: DisclosureRequest, event_id: int) -> MatterEvent:
    event = letter_event(req, event_id)
    if event is None:
        abort(404)
    return event


@bp.route("/track/<tracking_no>/notices/<int:event_id>")
def event_letter(tracking_no: str, event_id: int):
    """The applicant's printable copy of a notice the office sent."""
    req = _tracked_request(tracking_no)
    letter = notice_letter(req, _event_or_404(req, event_id), req.applicant_name)
    return render_letter_page(letter, url_for("disclosure.event_letter_pdf", tracking_no=tracking_no,
                                              event_id=event_id))


@bp.route("/track/<tracking_no>/notices/<int:event_id>.pdf")
def event_letter_pdf(tracking_no: str, event_id: int):
    """The same notice as a PDF."""
    req = _tracked_request(tracking_no)
    letter = notice_letter(req, _event_or_404(req, event_id), req.applicant_name)
    return pdf_response(letter, f"{tracking_no}-{event_id}.pdf")


def _replied_request(tracking_no: str) -> DisclosureRequest:
    req = _tracked_request(tracking_no)
    if req.reply_sent_on is None:
        abort(404)
    return req


@bp.route("/track/<tracking_no>/letter")
def letter(tracking_no: str):
    """The printable reply letter (答复书), once the reply has been sent."""
    req = _replied_request(tracking_no)
    return render_letter_page(reply_letter(req, req.applicant_name),
                              url_for("disclosure.letter_pdf", tracking_no=tracking_no))


@bp.route("/track/<tracking_no>/letter.pdf")
def letter_pdf(tracking_no: str):
    """The reply letter as a PDF."""
    req = _replied_request(tracking_no)
    return pdf_response(reply_letter(req, req.applicant_name), f"{tracking_no}.pdf")


@bp.route("/track/<tracking_no>/rate", methods=["POST"])
def rate(tracking_no: str):
    """The applicant rates the reply once it has been sent."""
    req = _tracked_request(tracking_no)
    form = RatingForm()
    if req.reply_sent_on is None:
        flash("答复后才能评价。", "error")
    elif form.validate_on_submit():
        req.rating, req.rating_comment = form.rating.data, form.comment.data or ""
        add_event(req.matter, "rated", req.reply_sent_on, actor_id=None, note=form.rating.data)
        flash("感谢您的评价。", "success")
    else:
        flash("请选择评价。", "error")
    return redirect(url_for("disclosure.status", tracking_no=tracking_no))
