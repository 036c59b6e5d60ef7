"""Chinese wording for the statutory clock's explanation lines (helpers of :mod:`portal.core.clock`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

WORKING_DAYS = "working_days"
CALENDAR_DAYS = "calendar_days"
UNITS = (WORKING_DAYS, CALENDAR_DAYS)


def amount(n: int, unit: str) -> str:
    """``20 个工作日`` or ``60 日``."""
    return f"{n} 个工作日" if unit == WORKING_DAYS else f"{n} 日"


def iso(day: date | None) -> str:
    """ISO date, or ``—`` when unknown."""
    return day.isoformat() if day is not None else "—"


def provisional_note(gap_years: Iterable[int]) -> str:
    """``（2027 年节假日安排未录入，按周末和法定节假日推算，暂定）`` for the years guessed, or an empty string."""
    years = sorted(set(gap_years))
    if not years:
        return ""
    listed = "、".join(str(y) for y in years)
    return f"（{listed} 年节假日安排未录入，按周末和法定节假日推算，暂定）"


KIND_LABELS = {
    "received": "收到申请",
    "clarification_requested": "要求补正",
    "clarification_received": "收到补正",
    "consultation_started": "征求意见开始",
    "consultation_ended": "征求意见结束",
    "fee_notice_sent": "发出收费通知",
    "fee_paid": "缴纳费用",
    "extension_granted": "延长答复期限",
    "replied": "作出答复",
    "withdrawn": "撤回申请",
    "accepted": "决定受理",
    "review_requested": "申请复查",
}


def kind_label(kind: str) -> str:
    """The Chinese name of an event kind (its value when unknown)."""
    return KIND_LABELS.get(str(kind), str(kind))


def consulted_party(agency: bool) -> str:
    """Who is consulted: a third party (Art. 32) or another agency (Art. 34)."""
    return "其他机关" if agency else "第三方"
