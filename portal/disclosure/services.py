"""Filing and handling information-disclosure requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.accounts.alerts import alert, alert_supervisors
from portal.accounts.models import Department, User
from portal.core.clock import EventKind
from portal.core.errors import FieldError
from portal.core.timefmt import local_today
from portal.disclosure.models import DisclosureRequest
from portal.disclosure.notify import notify_applicant
from portal.disclosure.replies import REPLY_TYPES
from portal.disclosure.workflow import REQUESTS
from portal.extensions import db
from portal.matters.files import attach_file
from portal.matters.models import Matter
from portal.matters.services import (
    access_code_for,
    add_event,
    create_matter,
    matter_by_submission,
    unused_key_for,
)
from portal.matters.submission import access_code, store_once
from portal.matters.uploads import CheckedFile
from portal.withholding.services import check_markup

PREFIX = "GK"
RECEIVING_DEPARTMENT = "gongkaiban"  # 公开办 receives every request and routes it
# Words that mark a petition or complaint dressed as a request (Art. 39).
COMPLAINT_WORDS = ("投诉", "举报", "信访", "控告", "检举", "要求处理", "要求处分", "讨说法")


@dataclass(frozen=True)
class Filed:
    """The outcome of a submission: the request and the code to show (again, if repeated)."""

    request: DisclosureRequest
    access_code: str
    repeated: bool


def looks_like_complaint(text: str) -> bool:
    """True when the text reads like a complaint or petition rather than a request (Art. 39)."""
    return sum(word in text for word in COMPLAINT_WORDS) >= 1 and "公开" not in text


def file_request(fields: dict, *, submission_key: str, attachment: CheckedFile | None,
                 received_on: date | None = None) -> Filed:
    """Create and commit the request (or return the one this same form already created).

    The access code's hash, the receiving department and the check for a similar earlier request
    are worked out first; the number is taken in the transaction that stores the request.
    """
    submission_key = unused_key_for("request", submission_key)
    existing = matter_by_submission(submission_key)
    if existing is not None:
        return _repeated(existing)
    department = db.session.scalar(select(Department).where(Department.code == RECEIVING_DEPARTMENT))
    if department is None:
        raise FieldError("department", "受理部门未配置（公开办）。")
    code = access_code(submission_key)
    department_id, repeat_of_id = department.id, _similar_earlier_request(fields)

    def store() -> Filed:
        matter, _code = create_matter("request", PREFIX, department_id=department_id,
                                      received_on=received_on or local_today(),
                                      submission_key=submission_key, access_code_hash=code.hash)
        request = DisclosureRequest(matter=matter, repeat_of_id=repeat_of_id, **fields)
        db.session.add(request)
        db.session.flush()
        if attachment is not None:
            attach_file(matter, attachment)
        notify_applicant(request, "received",
                         f"本局已于 {matter.received_on.isoformat()} 收到您的申请。"
                         + "".join(f"\n{step}" for step in matter.clock_steps), "0")
        return Filed(request, code.code, repeated=False)

    return store_once(submission_key, store, _repeated)


def _repeated(matter: Matter) -> Filed:
    """The outcome of a form submitted again: the request it already created, and its code."""
    return Filed(db.session.get_one(DisclosureRequest, matter.id), access_code_for(matter.submission_key),
                 repeated=True)


def _similar_earlier_request(fields: dict) -> int | None:
    """An earlier request of the same applicant with a near-identical text (possible 重复申请)."""
    earlier = db.session.scalars(select(DisclosureRequest).where(
        DisclosureRequest.id_number == fields["id_number"]))
    wanted = _shingles(fields["description"])
    for other in earlier:
        theirs = _shingles(other.description)
        if wanted and theirs and len(wanted & theirs) / len(wanted | theirs) >= 0.6:
            return other.matter_id
    return None


def _shingles(text: str) -> set[str]:
    compact = "".join(ch for ch in text if not ch.isspace())
    return {compact[i:i + 2] for i in range(len(compact) - 1)}


def assign(matter: Matter, assignee_id: int | None, actor_id: int) -> None:
    """Assign (or reassign) the matter to a member of staff."""
    matter.assignee_id = assignee_id
    event = add_event(matter, "assigned", local_today(), actor_id=actor_id,
                      note=str(assignee_id or ""))
    if assignee_id:
        alert(db.session.get(User, assignee_id), f"新分配的申请 {matter.tracking_no}",
              f"申请 {matter.tracking_no} 已分配给您办理，答复期限 {matter.due_on or '暂停计算'}。",
              f"assigned:{event.id}")


def reply(request: DisclosureRequest, *, type_code: str, sub_code: str | None, text: str,
          actor_id: int | None, supervisor_approved: bool, action: str | None = None) -> str:
    """Record the reply; replies needing approval wait for a supervisor. Returns the status.

    ``action`` is the workflow action the reply completes: by default a staff reply (or its
    submission for approval), a supervisor's approval of a pending one; ``lapsed`` when the
    applicant let a deadline pass.
    """
    reply_type = REPLY_TYPES.get(type_code)
    if reply_type is None:
        raise FieldError("reply_type", "请选择答复类型。")
    if reply_type.sub_reasons and sub_code not in reply_type.sub_reasons:
        raise FieldError("sub_reason", "请选择具体理由。")
    check_markup("reply_md", text)
    if not text.strip():
        raise FieldError("reply_md", "请填写答复内容。")
    matter = request.matter
    held = reply_type.needs_approval and not supervisor_approved
    REQUESTS.move(matter, action or _reply_action(matter, held, supervisor_approved), "reply_md")
    request.reply_type, request.reply_sub_reason, request.reply_md = type_code, sub_code, text
    if held:
        event = add_event(matter, "reply_submitted", local_today(), actor_id=actor_id)
        alert_supervisors(f"待审批答复 {matter.tracking_no}",
                          f"申请 {matter.tracking_no} 的答复（{reply_type.label}）需要您审批。",
                          f"reply:{event.id}")
        return matter.status
    request.reply_sent_on = local_today()
    matter.closed_on = request.reply_sent_on
    event = add_event(matter, EventKind.REPLIED, request.reply_sent_on, actor_id=actor_id,
                      message=f"答复类型：{reply_type.label}")
    notify_applicant(request, "replied", f"答复类型：{reply_type.label}\n\n{text}", event.id)  # sends the letter
    return matter.status


def _reply_action(matter: Matter, held: bool, supervisor_approved: bool) -> str:
    """The workflow action of a reply: submitted for approval, a pending one approved by a
    supervisor, or sent."""
    if held:
        return "reply_submitted"
    if supervisor_approved and matter.status == "reply_pending_approval":
        return "reply_approved"
    return "replied"
