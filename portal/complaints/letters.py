"""The letters of a complaint: the decision on acceptance (受理, 不予受理, 转送), the notice of an
extension (延期告知书) and the handling opinion (处理意见书, or 复查意见书 after a review), each a
:class:`~portal.matters.letters.Letter`.

The remedies are those the complaint channel offers (复查 within 30 days, then 复核) and, for
the enforcement act the complaint is about, 行政复议 and 行政诉讼 with where to bring them.
"""

from __future__ import annotations

from collections.abc import Callable

from portal.complaints.models import DECISIONS, OUTCOMES, Complaint
from portal.disclose import public_text
from portal.matters.letters import (
    Letter,
    administrative_remedies,
    chinese_date,
    issuer,
    letter_number,
    markdown_paragraphs,
    withheld_paragraphs,
)
from portal.matters.models import MatterEvent

ACT = "《信访工作条例》"
DECISION_TITLES = {"accepted": "投诉受理告知书", "not_accepted": "投诉不予受理告知书",
                   "transferred": "投诉转送告知书"}
DECISION_BASIS = f"{ACT}第二十三条"
REPLY_BASIS = f"{ACT}第三十四条"
REVIEW_BASIS = f"{ACT}第三十五条"
EXTENSION_TITLE = "投诉办理延期告知书"
REVIEW_REMEDY = "如对本处理意见不服，可以自收到本意见书之日起三十日内申请复查（可在本网站“投诉进度”页面提出）。"
RE_REVIEW_REMEDY = "如对本复查意见不服，可以自收到本意见书之日起三十日内向复查机关的上一级机关请求复核。"
ACT_SUBJECT = "投诉所涉及的行政执法行为"


def decision_event(complaint: Complaint) -> MatterEvent | None:
    """The event that recorded the decision on acceptance."""
    if complaint.decision is None:
        return None
    return next((e for e in complaint.matter.events if e.kind in ("accepted", "replied")), None)


def reply_event(complaint: Complaint) -> MatterEvent | None:
    """The event of the latest handling opinion (the review's, once there is one)."""
    if complaint.outcome is None:
        return None
    return next((e for e in reversed(complaint.matter.events) if e.kind == "replied"), None)


def _is_review(complaint: Complaint, event: MatterEvent) -> bool:
    """Whether ``event`` answers a review request (复查) rather than the complaint itself."""
    return any(e.kind == "review_requested" and e.id < event.id for e in complaint.matter.events)


def _remedies(*channel: str) -> tuple[str, ...]:
    return (*channel, *administrative_remedies(ACT_SUBJECT))


def _decided(complaint: Complaint) -> str:
    if complaint.decision is None:
        raise ValueError(f"{complaint.matter.tracking_no} has no decision yet")
    return complaint.decision


def _outcome(complaint: Complaint) -> str:
    if complaint.outcome is None:
        raise ValueError(f"{complaint.matter.tracking_no} has no outcome yet")
    return complaint.outcome


def _opening(complaint: Complaint) -> str:
    matter = complaint.matter
    return f"本机关于{chinese_date(matter.received_on)}收到您的投诉（编号 {matter.tracking_no}）。"


def decision_letter(complaint: Complaint, event: MatterEvent, addressee: str) -> Letter:
    """The letter telling the complainant whether the complaint is accepted."""
    safe, _reasons = public_text(event.message or DECISIONS[_decided(complaint)])
    paragraphs = (_opening(complaint) + f"依据{DECISION_BASIS}的规定，现告知如下：", safe)
    return Letter(title=DECISION_TITLES[_decided(complaint)],
                  number=letter_number("投", event.day.year, event.id), date=event.day,
                  addressee=addressee, paragraphs=paragraphs, basis=DECISION_BASIS,
                  remedies=_remedies(), issuer=issuer(), reference=complaint.matter.tracking_no)


def reply_letter(complaint: Complaint, event: MatterEvent, addressee: str) -> Letter:
    """The handling opinion (or the review's), with the reply text as the complainant reads it."""
    reviewed = _is_review(complaint, event)
    basis = REVIEW_BASIS if reviewed else REPLY_BASIS
    safe, reasons = public_text(complaint.reply_md or "", for_markdown=True)
    paragraphs = (_opening(complaint) + f"经调查核实，依据{basis}的规定，提出处理意见如下：",
                  f"处理结果：{OUTCOMES[_outcome(complaint)]}。", *markdown_paragraphs(safe),
                  *withheld_paragraphs(reasons))
    return Letter(title="投诉复查意见书" if reviewed else "投诉处理意见书",
                  number=letter_number("投", event.day.year, event.id), date=event.day,
                  addressee=addressee, paragraphs=paragraphs, basis=basis,
                  remedies=_remedies(RE_REVIEW_REMEDY if reviewed else REVIEW_REMEDY),
                  issuer=issuer(), reference=complaint.matter.tracking_no)


def extension_letter(complaint: Complaint, event: MatterEvent, addressee: str) -> Letter:
    """The notice that the handling period was extended, with the reason given."""
    safe, _reasons = public_text(event.message or "")
    paragraphs = (_opening(complaint) + f"依据{REPLY_BASIS}的规定，现告知如下：", safe)
    return Letter(title=EXTENSION_TITLE, number=letter_number("投", event.day.year, event.id),
                  date=event.day, addressee=addressee, paragraphs=paragraphs, basis=REPLY_BASIS,
                  remedies=_remedies(), issuer=issuer(), reference=complaint.matter.tracking_no)


def _letters(complaint: Complaint) -> list[tuple[MatterEvent, str, Callable[..., Letter]]]:
    """(event, title, builder) of every letter the complainant has received, in order."""
    decision, reply = decision_event(complaint), reply_event(complaint)
    found = []
    for event in complaint.matter.events:
        if event is decision:
            found.append((event, DECISION_TITLES[_decided(complaint)], decision_letter))
        elif event is reply:
            title = "投诉复查意见书" if _is_review(complaint, event) else "投诉处理意见书"
            found.append((event, title, reply_letter))
        elif event.kind == "extension_granted":
            found.append((event, EXTENSION_TITLE, extension_letter))
    return found


def complaint_letter(complaint: Complaint, event_id: int, addressee: str) -> Letter | None:
    """The letter of event ``event_id`` addressed to ``addressee``, or None if it has none."""
    for event, _title, build in _letters(complaint):
        if event.id == event_id:
            return build(complaint, event, addressee)
    return None


def letter_events(complaint: Complaint) -> list[tuple[int, str]]:
    """(event id, title) of the letters the complainant has received, in order."""
    return [(event.id, title) for event, title, _build in _letters(complaint)]
