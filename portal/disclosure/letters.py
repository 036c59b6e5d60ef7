"""The letters of a disclosure request: the 答复书 and the notices of its steps (补正, 征求意见,
延期, 收费), each built once as a :class:`~portal.matters.letters.Letter`.

Every text the applicant reads passes the public filter (withheld spans replaced, other
people's personal data masked); only the addressee line carries the applicant's own name.
"""

from __future__ import annotations

from portal.disclose import public_text
from portal.disclosure.models import DisclosureRequest
from portal.disclosure.replies import REPLY_TYPES, sub_reason_label
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

ACT = "《中华人民共和国政府信息公开条例》"
LETTER_BASIS = {
    "clarification_requested": ("补正通知书", f"{ACT}第三十条"),
    "consultation_started": ("征求意见告知书", f"{ACT}第三十二条、第三十三条第三款"),
    "extension_granted": ("延期答复告知书", f"{ACT}第三十三条第二款"),
    "fee_notice_sent": ("收费通知书", f"{ACT}第四十二条、《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"),
}
# The article behind each reply type and sub-reason (docs/rules.md, "Reply types").
REPLY_BASIS = {
    ("disclosed", "already-public"): "第三十六条第（一）项",
    ("disclosed", "provided"): "第三十六条第（二）项",
    ("partly", ""): "第三十六条第（三）项、第三十七条",
    ("withheld", "1"): "第十四条、第三十六条第（三）项",
    ("withheld", "2"): "第十四条、第三十六条第（三）项",
    ("withheld", "3"): "第十四条、第三十六条第（三）项",
    ("withheld", "4"): "第十五条、第三十六条第（三）项",
    ("withheld", "5"): "第十六条第一款、第三十六条第（三）项",
    ("withheld", "6"): "第十六条第二款、第三十六条第（三）项",
    ("withheld", "7"): "第十六条第二款、第三十六条第（三）项",
    ("withheld", "8"): "第三十六条第（七）项",
    ("unavailable", "1"): "第三十六条第（四）项、第（五）项",
    ("unavailable", "2"): "第三十八条",
    ("unavailable", "3"): "第三十条",
    ("not-processed", "1"): "第三十九条第一款",
    ("not-processed", "2"): "第三十六条第（六）项",
    ("not-processed", "3"): "第三十九条第二款",
    ("not-processed", "4"): "第三十五条",
    ("not-processed", "5"): "第三十八条",
    ("other", "1"): "第三十条",
    ("other", "2"): "第四十二条",
    ("other", "3"): "第三十六条",
}
HIGHER_AUTHORITY = (f"对本机关政府信息公开工作有意见的，也可以依照{ACT}第五十一条，"
                    "向上一级行政机关或者政府信息公开工作主管部门投诉、举报。")


def reply_basis(type_code: str, sub_code: str | None) -> str:
    """The articles a reply of this type and sub-reason rests on."""
    return ACT + REPLY_BASIS.get((type_code, sub_code or ""), "第三十六条")


def _opening(req: DisclosureRequest, verb: str) -> str:
    matter = req.matter
    return (f"本机关于{chinese_date(matter.received_on)}收到您提出的政府信息公开申请"
            f"（受理编号 {matter.tracking_no}）。{verb}")


def _remedies() -> tuple[str, ...]:
    return (*administrative_remedies(), HIGHER_AUTHORITY)


def _serial(tracking_no: str) -> tuple[int, int]:
    """(year, serial) of GK-2026-000123."""
    _prefix, year, serial = tracking_no.split("-")
    return int(year), int(serial)


def reply_letter(req: DisclosureRequest, addressee: str) -> Letter:
    """The 答复书 of a replied request, addressed to ``addressee``."""
    if req.reply_type is None or req.reply_sent_on is None:
        raise ValueError(f"{req.matter.tracking_no} has no reply yet")
    reply_type = REPLY_TYPES[req.reply_type]
    sub_reason = sub_reason_label(req.reply_type, req.reply_sub_reason)
    basis = reply_basis(req.reply_type, req.reply_sub_reason)
    safe, reasons = public_text(req.reply_md or "", for_markdown=True)
    label = reply_type.label + (f"（{sub_reason}）" if sub_reason else "")
    paragraphs = (_opening(req, f"经审查，依据{basis}的规定，现答复如下："),
                  f"答复类型：{label}。", *markdown_paragraphs(safe), *withheld_paragraphs(reasons))
    year, serial = _serial(req.matter.tracking_no)
    return Letter(title="政府信息公开申请答复书", number=letter_number("开", year, serial),
                  date=req.reply_sent_on, addressee=addressee, paragraphs=paragraphs, basis=basis,
                  remedies=_remedies(), issuer=issuer(), reference=req.matter.tracking_no)


def event_letter(req: DisclosureRequest, event: MatterEvent, addressee: str) -> Letter:
    """The notice (告知书) of one step, from the message the applicant was sent."""
    title, basis = LETTER_BASIS[event.kind]
    safe, _reasons = public_text(event.message or "")
    paragraphs = (_opening(req, f"依据{basis}的规定，现告知如下："),
                  *(p.strip() for p in safe.split("\n\n") if p.strip()))
    return Letter(title=f"政府信息公开申请{title}", number=letter_number("开告", event.day.year, event.id),
                  date=event.day, addressee=addressee, paragraphs=paragraphs, basis=basis,
                  remedies=_remedies(), issuer=issuer(), reference=req.matter.tracking_no)


def letter_event(req: DisclosureRequest, event_id: int) -> MatterEvent | None:
    """The request's event ``event_id`` if it has a notice letter."""
    event = next((e for e in req.matter.events if e.id == event_id), None)
    return event if event is not None and event.kind in LETTER_BASIS else None
