"""Filing and handling complaints: decision on acceptance, assignment rules, reply, review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from portal.accounts.models import Department, User
from portal.complaints import policy as _policy  # noqa: F401  (registers the clock policy)
from portal.complaints.letters import complaint_letter
from portal.complaints.models import DECISIONS, OUTCOMES, Complaint
from portal.complaints.routing import check_reviewer, handling_department
from portal.complaints.workflow import COMPLAINTS
from portal.core.classification import PUBLIC
from portal.core.clock import ClockError, EventKind
from portal.core.errors import FieldError
from portal.core.timefmt import local_today
from portal.disclose import disclose, public_text
from portal.extensions import db
from portal.matters import time_extension
from portal.matters.files import attach_file
from portal.matters.letters import letter_text
from portal.matters.models import Matter
from portal.matters.services import (
    access_code_for,
    add_event,
    create_matter,
    matter_by_submission,
    recompute_due,
    unused_key_for,
)
from portal.matters.submission import access_code, store_once
from portal.matters.uploads import CheckedFile
from portal.outbox.services import enqueue
from portal.withholding.services import check_markup

PREFIX = "TS"


@dataclass(frozen=True)
class FiledComplaint:
    """A filed complaint and the code to show (None for anonymous complaints)."""

    complaint: Complaint
    access_code: str | None
    repeated: bool


def _officer(about_department_id: int, name: str, number: str) -> User | None:
    """The member of staff complained about, when the portal can tell who it is."""
    if not (name or number):
        return None
    query = select(User).where(User.department_id == about_department_id)
    query = query.where(or_(*(
        [User.police_number == number] if number else []) + ([User.display_name == name] if name else [])))
    matches = list(db.session.scalars(query))
    return matches[0] if len(matches) == 1 else None


def file_complaint(fields: dict, *, submission_key: str, attachment: CheckedFile | None,
                   received_on: date | None = None) -> FiledComplaint:
    """Create and commit the complaint (or return the one this same form already created).

    Who handles it and the access code's hash are worked out first; the number is taken in the
    transaction that stores the complaint.
    """
    submission_key = unused_key_for("complaint", submission_key)
    existing = matter_by_submission(submission_key)
    if existing is not None:
        return _repeated(existing)
    about = db.session.get(Department, fields["about_department_id"])
    if about is None:
        raise FieldError("about_department_id", "请选择被投诉单位。")
    officer = _officer(about.id, fields.get("officer_name", ""), fields.get("officer_number", ""))
    handler_id, officer_id = handling_department(about, officer).id, officer.id if officer else None
    code = access_code(submission_key)

    def store() -> FiledComplaint:
        matter, _code = create_matter("complaint", PREFIX, department_id=handler_id,
                                      received_on=received_on or local_today(),
                                      submission_key=submission_key, access_code_hash=code.hash)
        complaint = Complaint(matter=matter, officer_user_id=officer_id, **fields)
        db.session.add(complaint)
        db.session.flush()
        if attachment is not None:
            attach_file(matter, attachment)
        recompute_due(matter)  # now with this type's policy
        notify(complaint, "received", f"本局已于 {matter.received_on.isoformat()} 收到您的投诉，"
               f"将在 {matter.due_on.isoformat() if matter.due_on else '规定期限'} 前告知是否受理。", "0")
        return FiledComplaint(complaint, None if complaint.anonymous else code.code, repeated=False)

    return store_once(submission_key, store, _repeated)


def _repeated(matter: Matter) -> FiledComplaint:
    """The outcome of a form submitted again: the complaint it already created, and its code."""
    complaint = db.session.get_one(Complaint, matter.id)
    code = None if complaint.anonymous else access_code_for(matter.submission_key)
    return FiledComplaint(complaint, code, repeated=True)


def may_handle(complaint: Complaint, user: User) -> bool:
    """Never the officer complained about, nor their direct supervisor."""
    officer = db.session.get(User, complaint.officer_user_id) if complaint.officer_user_id else None
    if officer is None:
        return True
    return user.id != officer.id and user.id != officer.supervisor_id


def assign(complaint: Complaint, assignee: User | None, actor_id: int) -> None:
    """Assign the complaint, refusing the officer concerned and their direct supervisor, and
    for a 复查 its first handler."""
    if assignee is not None and not may_handle(complaint, assignee):
        raise FieldError("assignee_id", "不能分配给被投诉民警本人或其直接上级。")
    check_reviewer(complaint, assignee, "assignee_id")
    complaint.matter.assignee_id = assignee.id if assignee else None
    add_event(complaint.matter, "assigned", local_today(), actor_id=actor_id,
              note=str(assignee.id if assignee else ""))


def decide_acceptance(complaint: Complaint, decision: str, *, day: date, reason: str,
                      transferred_to: str, actor_id: int | None) -> None:
    """受理, 不予受理 (with reason) or 转送 (to a named agency), told to the complainant."""
    matter = complaint.matter
    if decision not in DECISIONS:
        raise FieldError("decision", "请选择受理决定。")
    COMPLAINTS.check(matter, decision, "decision")
    if decision == "not_accepted" and not reason.strip():
        raise FieldError("reason", "不予受理须说明理由。")
    if decision == "transferred" and not transferred_to.strip():
        raise FieldError("transferred_to", "转送须写明接收机关。")
    COMPLAINTS.move(matter, decision, "decision")
    complaint.decision, complaint.decision_reason = decision, reason.strip()
    complaint.transferred_to = transferred_to.strip()
    if decision == "accepted":
        message = "您的投诉已受理。"
        event = _clocked(matter, EventKind.ACCEPTED, day, actor_id, message)
    else:
        message = ("您的投诉不予受理，理由：" + complaint.decision_reason if decision == "not_accepted"
                   else f"您的投诉已转送{complaint.transferred_to}办理。")
        event = _clocked(matter, EventKind.REPLIED, day, actor_id, message)
        matter.closed_on = day
        complaint.replied_on = day
    notify(complaint, "decision", message, event.id)


def request_extension(complaint: Complaint, *, days: int | None, reason: str, actor_id: int) -> None:
    """Ask a supervisor for an extension (once, at most the type's maximum, while handling)."""
    time_extension.request_extension(complaint.matter, COMPLAINTS, day=local_today(), days=days,
                                      reason=reason, actor_id=actor_id)


def decide_extension(complaint: Complaint, *, approve: bool, supervisor_id: int) -> bool:
    """A supervisor grants or refuses the pending extension; the complainant is told of a grant.
    Returns whether it was granted."""
    event = time_extension.decide_extension(
        complaint.matter, COMPLAINTS, approve=approve, supervisor_id=supervisor_id, note="",
        message="经批准，办理期限延长 {days} 日。理由：{reason}")
    if event is not None:
        notify(complaint, "extension", event.message, event.id)
    return event is not None


def _clocked(matter, kind, day: date, actor_id: int | None, message: str, days: int | None = None):
    if day < matter.received_on or day > local_today():
        raise FieldError("day", "日期应在收到投诉之日与今天之间。")
    try:
        return add_event(matter, kind, day, actor_id=actor_id, message=message, days=days)
    except ClockError as exc:
        raise FieldError("day", str(exc)) from None


def reply(complaint: Complaint, *, outcome: str, text: str, day: date, actor_id: int | None) -> None:
    """The handling result (or the review's, never by the first handler), told to the complainant."""
    matter = complaint.matter
    action = "review_replied" if matter.status == "reviewing" else "replied"
    COMPLAINTS.check(matter, action, "outcome")
    check_reviewer(complaint, db.session.get(User, actor_id) if actor_id else None, "outcome")
    if outcome not in OUTCOMES:
        raise FieldError("outcome", "请选择处理结果。")
    check_markup("reply_md", text)
    if not text.strip():
        raise FieldError("reply_md", "请填写答复内容。")
    COMPLAINTS.move(matter, action, "outcome")
    event = _clocked(matter, EventKind.REPLIED, day, actor_id, f"处理结果：{OUTCOMES[outcome]}")
    complaint.outcome, complaint.reply_md, complaint.replied_on = outcome, text, day
    complaint.on_time = matter.due_on is None or day <= matter.due_on
    matter.closed_on = day
    notify(complaint, "reply", f"处理结果：{OUTCOMES[outcome]}\n\n{text}", event.id)


def request_review(complaint: Complaint, *, reason: str, day: date) -> None:
    """The complainant asks for 复查 within the window after the reply."""
    matter = complaint.matter
    if matter.status != "replied":
        raise FieldError("reason", "只有已答复的投诉可以申请复查。")
    if not reason.strip():
        raise FieldError("reason", "请说明申请复查的理由。")
    COMPLAINTS.move(matter, "review_requested", "reason")
    event = _clocked(matter, EventKind.REVIEW_REQUESTED, day, None, "您已申请复查。")
    complaint.review_requested_on, complaint.review_reason = day, reason.strip()
    matter.closed_on = None
    if matter.assignee_id is not None:  # the 复查 goes to someone other than the first handler
        matter.assignee_id = None
        add_event(matter, "assigned", day, actor_id=None, note="")
    notify(complaint, "review", "本局已收到您的复查申请。", event.id)


def publish_summary(complaint: Complaint, text: str, actor_id: int) -> None:
    """A supervisor publishes a de-identified outcome summary of a closed complaint."""
    if complaint.matter.closed_on is None:
        raise FieldError("summary_md", "只能公开已办结投诉的处理情况。")
    check_markup("summary_md", text)
    if not text.strip():
        raise FieldError("summary_md", "请填写处理情况摘要。")
    complaint.summary_md = text
    complaint.summary_published_on = local_today()
    add_event(complaint.matter, "summary_published", local_today(), actor_id=actor_id)


def notify(complaint: Complaint, kind: str, text: str, event_id: object) -> None:
    """E-mail the complainant (never for anonymous complaints or without an address); the body is
    the letter addressed to them, or the step's text as the public reads it, and the number as
    :func:`portal.disclose.disclose` gives it."""
    if complaint.anonymous or not complaint.email:
        return
    letter = complaint_letter(complaint, event_id, complaint.complainant_name) \
        if isinstance(event_id, int) else None
    safe = f"{letter.title}全文如下：\n\n{letter_text(letter)}" if letter else public_text(text)[0]
    number = disclose(complaint.matter, PUBLIC)["tracking_no"]
    enqueue(complaint.email, f"投诉办理情况告知（{number}）",
            f"您好：\n\n您的投诉（编号 {number}）：\n\n{safe}\n\n可凭编号和查询码在本局网站查询进度。",
            dedupe_key=f"complaint:{complaint.matter_id}:{kind}:{event_id}")
