"""Staff actions on a request and supervisors' decisions, each an event with who and when."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from portal.accounts.alerts import alert_supervisors
from portal.core.clock import ClockError
from portal.core.errors import FieldError
from portal.core.fees import describe, fee_by_count, fee_by_volume, total
from portal.core.timefmt import local_today
from portal.disclosure.models import DisclosureRequest
from portal.disclosure.notify import notify_applicant
from portal.disclosure.services import reply
from portal.disclosure.workflow import REQUESTS
from portal.extensions import db
from portal.matters import time_extension
from portal.matters.models import Matter, MatterEvent
from portal.matters.services import add_event

CLARIFICATION_TEMPLATE = (
    "您的申请内容不够明确，请于 {deadline} 前补正：写明所需政府信息的名称、文号或其他特征性描述。"
    "答复期限自本局收到补正后的申请之日起重新计算；逾期无正当理由不补正的，视为放弃申请。"
)
NOTE_LABEL = "内部备注（不对外公开）"
CONSULTATION_MESSAGE = "本局正在依法征求第三方（或其他机关）意见，征求意见期间不计入答复期限。"


def _action_message(req: DisclosureRequest, action: str, day: date, *, deadline: date | None,
                    days: int | None, message: str, fee_method: str, pages: int | None) -> str:
    """Check the details ``action`` needs and return the message the applicant will receive."""
    if action == "clarification_requested":
        if deadline is None or deadline <= day:
            raise FieldError("deadline", "请填写晚于通知日期的补正期限。")
        return message or CLARIFICATION_TEMPLATE.format(deadline=deadline.isoformat())
    if action == "consultation_started":
        return message or CONSULTATION_MESSAGE
    if action == "extension_requested" and not days:
        raise FieldError("days", "请填写延长的工作日数。")
    if action == "fee_notice_sent":
        if deadline is None or deadline <= day:
            raise FieldError("deadline", "请填写晚于通知日期的缴费期限。")
        amount, how = fee_quote(req, fee_method, pages)
        if amount == 0:
            raise FieldError("fee_method", f"未超出免费范围，不应收费（{how}）")
        return (f"依据《政府信息公开条例》第四十二条和国办函〔2020〕109号，本申请需收取信息处理费 "
                f"{amount} 元（{how}）。请于 {deadline.isoformat()} 前缴纳；逾期未缴纳的，视为放弃申请。")
    return message


def offered_actions(req: DisclosureRequest) -> list[tuple[str, str]]:
    """The actions the staff page offers now: the table's allowed ones, then an internal note."""
    if req.matter.closed_on is not None:
        return []
    allowed = [(t.action, t.label) for t in REQUESTS.allowed(req.matter) if t.offered]
    return [*allowed, ("note", NOTE_LABEL)]


def may_reply(req: DisclosureRequest) -> bool:
    """Whether the reply form is open now (the table allows a reply or its submission)."""
    return any(t.action in ("replied", "reply_submitted") for t in REQUESTS.allowed(req.matter))


def take_action(req: DisclosureRequest, action: str, *, day: date, actor_id: int,
                deadline: date | None = None, days: int | None = None, message: str = "",
                note: str = "", fee_method: str = "count", pages: int | None = None) -> list[str]:
    """Record one staff action; return warnings to show (e.g. a late clarification notice).

    Raises :class:`FieldError` when the action is impossible; the caller must then answer
    with an error status so nothing of it is committed.
    """
    matter = req.matter
    if day < matter.received_on or day > local_today():
        raise FieldError("day", "日期应在收到申请之日与今天之间。")
    if action == "note":
        if matter.closed_on is not None:
            raise FieldError("action", "该申请已办结。")
        add_event(matter, "note", day, actor_id=actor_id, note=note)
        return []
    transition = REQUESTS.check(matter, action)
    if not transition.offered:
        raise FieldError("action", "此操作请在本页相应的表单中进行。")
    message = _action_message(req, action, day, deadline=deadline, days=days, message=message,
                              fee_method=fee_method, pages=pages)
    try:
        if action == "extension_requested":
            event = time_extension.request_extension(matter, REQUESTS, day=day, days=days,
                                                     reason=note, actor_id=actor_id, message=message)
        else:
            REQUESTS.move(matter, action)
            event = add_event(matter, action, day, actor_id=actor_id, deadline=deadline, days=days,
                              message=message, note=note)
    except ClockError as exc:
        raise FieldError("action", str(exc)) from None
    notify_applicant(req, action, event.message, event.id)
    if action == "extension_requested":
        alert_supervisors(f"待审批延期 {matter.tracking_no}",
                          f"申请 {matter.tracking_no} 申请延长答复期限 {days} 个工作日。",
                          f"extension:{event.id}")
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
    return time_extension.pending_extension(req.matter)


def decide_extension(req: DisclosureRequest, *, approve: bool, supervisor_id: int, note: str) -> None:
    """A supervisor grants (once, at most 20 working days) or refuses the requested extension."""
    event = time_extension.decide_extension(
        req.matter, REQUESTS, approve=approve, supervisor_id=supervisor_id, note=note,
        message="经本机关政府信息公开工作机构负责人同意，答复期限延长 {days} 个工作日。理由：{reason}")
    if event is not None:
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
        REQUESTS.move(matter, "reply_refused", "decision")
        add_event(matter, "reply_refused", local_today(), actor_id=supervisor_id, note=note)


def fee_quote(req: DisclosureRequest, method: str, pages: int | None) -> tuple[int, str]:
    """The fee for this request: by count (the applicant's requests this calendar month) or
    by volume (pages); returns the amount in yuan and the calculation in Chinese."""
    if method == "volume":
        if pages is None:
            raise FieldError("pages", "按量计收请填写页数。")
        lines = fee_by_volume(pages)
        return total(lines), describe(lines, "页")
    earlier = applicant_requests_in_month(req)
    lines = fee_by_count(earlier, 1)
    return total(lines), f"本月第 {earlier + 1} 件申请：" + describe(lines, "件")


def applicant_requests_in_month(req: DisclosureRequest) -> int:
    """How many requests the same applicant filed earlier in the same calendar month."""
    received = req.matter.received_on
    month_start = received.replace(day=1)
    return db.session.scalar(
        select(func.count(Matter.id)).join(DisclosureRequest, DisclosureRequest.matter_id == Matter.id)
        .where(DisclosureRequest.id_number == req.id_number, Matter.received_on >= month_start,
               Matter.received_on <= received, Matter.id < req.matter_id)) or 0
