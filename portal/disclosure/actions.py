"""Staff actions on a request and supervisors' decisions, each an event with who and when."""

from __future__ import annotations

from datetime import date

from portal.core.clock import ClockError, EventKind
from portal.core.errors import FieldError
from portal.core.timefmt import local_today
from portal.disclosure.models import DisclosureRequest
from portal.disclosure.notify import notify_applicant
from portal.disclosure.services import reply
from portal.matters.models import MatterEvent
from portal.matters.services import add_event

CLARIFICATION_TEMPLATE = (
    "您的申请内容不够明确，请于 {deadline} 前补正：写明所需政府信息的名称、文号或其他特征性描述。"
    "答复期限自本局收到补正后的申请之日起重新计算；逾期无正当理由不补正的，视为放弃申请。"
)
CONSULTATION_MESSAGE = "本局正在依法征求第三方（或其他机关）意见，征求意见期间不计入答复期限。"
STATUS_AFTER = {
    EventKind.CLARIFICATION_REQUESTED: "awaiting_clarification",
    EventKind.CLARIFICATION_RECEIVED: "received",
    EventKind.CONSULTATION_STARTED: "consulting",
    EventKind.CONSULTATION_ENDED: "received",
    "extension_requested": "extension_requested",
}


def take_action(req: DisclosureRequest, action: str, *, day: date, actor_id: int,
                deadline: date | None = None, days: int | None = None, message: str = "",
                note: str = "") -> list[str]:
    """Record one staff action; return warnings to show (e.g. a late clarification notice).

    Raises :class:`FieldError` when the action is impossible; the caller must then answer
    with an error status so nothing of it is committed.
    """
    matter = req.matter
    if matter.closed_on is not None:
        raise FieldError("action", "该申请已办结。")
    if day < matter.received_on or day > local_today():
        raise FieldError("day", "日期应在收到申请之日与今天之间。")
    if action == "clarification_requested":
        if deadline is None or deadline <= day:
            raise FieldError("deadline", "请填写晚于通知日期的补正期限。")
        message = message or CLARIFICATION_TEMPLATE.format(deadline=deadline.isoformat())
    elif action == "consultation_started":
        message = message or CONSULTATION_MESSAGE
    elif action == "extension_requested" and not days:
        raise FieldError("days", "请填写延长的工作日数。")
    elif action not in STATUS_AFTER and action != "note":
        raise FieldError("action", "未知操作。")
    try:
        event = add_event(matter, action, day, actor_id=actor_id, deadline=deadline, days=days,
                          message=message if action != "note" else "", note=note)
    except ClockError as exc:
        raise FieldError("action", str(exc)) from None
    notify_applicant(req, action, event.message, event.id)
    if action in STATUS_AFTER:
        matter.status = STATUS_AFTER[action]
    warnings = []
    if action == "clarification_requested" and _clarification_late(matter):
        warnings.append("补正通知已超过收到申请后 7 个工作日的期限（《政府信息公开条例》第三十条）。")
    return warnings


def _clarification_late(matter) -> bool:
    from portal.calendar.services import load_calendar
    from portal.core.clock import compute
    from portal.matters.services import clock_events

    return compute(clock_events(matter), load_calendar()).clarification_late


def pending_extension(req: DisclosureRequest) -> MatterEvent | None:
    """The extension request waiting for a supervisor, if any."""
    for event in reversed(req.matter.events):
        if event.kind == "extension_requested" and event.approved is None:
            return event
    return None


def decide_extension(req: DisclosureRequest, *, approve: bool, supervisor_id: int, note: str) -> None:
    """A supervisor grants (once, at most 20 working days) or refuses the requested extension."""
    pending = pending_extension(req)
    if pending is None:
        raise FieldError("decision", "没有待审批的延期申请。")
    pending.approved = approve
    matter = req.matter
    matter.status = "received"
    if not approve:
        add_event(matter, "extension_refused", local_today(), actor_id=supervisor_id, note=note)
        return
    try:
        event = add_event(
            matter, EventKind.EXTENSION_GRANTED, local_today(), actor_id=supervisor_id,
            days=pending.days, note=note,
            message=f"经本机关政府信息公开工作机构负责人同意，答复期限延长 {pending.days} 个工作日。"
                    f"理由：{pending.note or '需要进一步核查相关信息'}")
    except ClockError as exc:
        raise FieldError("decision", str(exc)) from None
    notify_applicant(req, "extension_granted", event.message, event.id)


def decide_reply(req: DisclosureRequest, *, approve: bool, supervisor_id: int, note: str) -> None:
    """A supervisor approves a not-disclosed or partly-disclosed reply (it is then sent)."""
    matter = req.matter
    if matter.status != "reply_pending_approval":
        raise FieldError("decision", "没有待审批的答复。")
    if approve:
        reply(req, type_code=req.reply_type or "", sub_code=req.reply_sub_reason,
              text=req.reply_md, actor_id=supervisor_id, supervisor_approved=True)
    else:
        matter.status = "received"
        add_event(matter, "reply_refused", local_today(), actor_id=supervisor_id, note=note)
