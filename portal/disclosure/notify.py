"""Messages to the applicant, written to the outbox in the same transaction as the change.

Every body is built from what the applicant's own pages show: the request as
:func:`portal.disclose.disclose` gives it to a visitor holding its access code (number, due
date), the step's text through the public text path (withheld spans replaced, personal data
masked), and, for a step that has a letter (补正, 延期, 收费, 征求意见, the 答复书), the
letter's full text, the same as its page and its PDF, addressed to the applicant by name. No
stored field reaches a body any other way.
"""

from __future__ import annotations

from flask import current_app

from portal.core.classification import PUBLIC
from portal.disclose import disclose, public_text
from portal.disclosure.letters import LETTER_BASIS, event_letter, reply_letter
from portal.disclosure.models import DisclosureRequest
from portal.extensions import db
from portal.matters.letters import Letter, letter_text
from portal.matters.models import MatterEvent
from portal.outbox.services import enqueue

SUBJECTS = {
    "received": "政府信息公开申请已受理",
    "clarification_requested": "政府信息公开申请补正通知",
    "consultation_started": "政府信息公开申请征求意见告知",
    "extension_granted": "政府信息公开申请延期答复告知",
    "fee_notice_sent": "政府信息公开申请收费通知",
    "replied": "政府信息公开申请答复",
}


def notify_applicant(req: DisclosureRequest, kind: str, text: str, event_id: int | str) -> None:
    """Queue an e-mail about ``kind`` to the applicant, if they gave an address."""
    if not req.email or kind not in SUBJECTS:
        return
    letter = _letter(req, kind, event_id)
    if letter is not None:
        safe = f"{letter.title}全文如下：\n\n{letter_text(letter)}"
    else:
        safe, _reasons = public_text(text)
    shown = disclose(req.matter, PUBLIC)
    number, due_on = shown["tracking_no"], shown.get("due_on")
    body = (
        f"您好：\n\n您的政府信息公开申请（受理编号 {number}）有新的进展：\n\n{safe}\n\n"
        f"当前答复期限：{due_on.isoformat() if due_on else '暂停计算'}。\n"
        f"可凭受理编号和查询码在本局网站“查询申请进度”查看详情。\n\n"
        f"{current_app.config['SITE_NAME']}\n（本邮件由系统自动发送，请勿直接回复。）"
    )
    subject = f"{SUBJECTS[kind]}（{number}）"
    enqueue(req.email, subject, body, dedupe_key=f"request:{req.matter_id}:{kind}:{event_id}")


def _letter(req: DisclosureRequest, kind: str, event_id: int | str) -> Letter | None:
    """The letter this message carries, if the step has one."""
    if kind == "replied" and req.reply_sent_on is not None:
        return reply_letter(req, req.applicant_name)
    if kind in LETTER_BASIS and isinstance(event_id, int):
        event = db.session.get(MatterEvent, event_id)
        return event_letter(req, event, req.applicant_name) if event is not None else None
    return None
