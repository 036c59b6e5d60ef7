"""A guide's version history as staff read it: Chinese field names and a line diff per change.

Text is compared as a reader sees it: line endings (browsers send CR LF), trailing spaces and blank
lines at either end never count as a change. Pure Python over the stored snapshots.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

FIELD_LABELS = {
    "slug": "网址标识", "title": "事项名称", "category": "分类", "item_type": "事项类型",
    "department": "承办部门", "agency": "实施主体", "basis": "设定依据", "conditions": "受理条件",
    "materials": "申请材料", "steps": "办理流程", "statutory_days": "法定办结时限",
    "statutory_unit": "法定时限单位", "promised_days": "承诺办结时限", "promised_unit": "承诺时限单位",
    "promised_is_example": "承诺时限为示例", "fees": "收费标准及依据", "location": "办理地点",
    "hours": "办理时间", "phone": "咨询电话", "complaint_phone": "监督投诉电话", "online": "可网上办理",
    "visits": "到现场次数", "reviewed_on": "最后审核日期", "review_due_on": "下次审核日期",
    "local_note": "本地说明", "faq": "常见问题", "body_md": "事项简介",
}
UNIT_LABELS = {"working_days": "工作日", "calendar_days": "自然日"}


def normalized_text(text: str) -> str:
    """``text`` with LF line endings, no trailing spaces and no blank lines at either end."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def comparable(value: Any) -> Any:
    """``value`` with every text inside it normalized, for deciding whether a field changed."""
    if isinstance(value, str):
        return normalized_text(value)
    if isinstance(value, list):
        return [comparable(item) for item in value]
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items()}
    return value


def changed_fields(old: dict, new: dict) -> list[str]:
    """Names of the fields whose values differ once whitespace is set aside, in snapshot order."""
    return [name for name in new if comparable(old.get(name)) != comparable(new[name])]


def field_lines(name: str, value: Any) -> list[str]:
    """A field's value as the lines a reader compares."""
    if value is None or value == "":
        return []
    if isinstance(value, bool):
        return ["是" if value else "否"]
    if name == "fees":
        return [f"{fee['item']} | {fee['amount_yuan']} 元 | {fee['basis']}" for fee in value]
    if name == "faq":
        return [line for pair in value for line in (f"问：{pair['q']}", f"答：{pair['a']}")]
    if isinstance(value, list):
        return [str(item) for item in value]
    if name.endswith("_unit"):
        return [UNIT_LABELS.get(value, str(value))]
    return normalized_text(str(value)).split("\n")


@dataclass(frozen=True)
class FieldChange:
    """One changed field: its Chinese label and the diff, as (mark, line) with mark " ", "-" or "+"."""

    label: str
    lines: list[tuple[str, str]]


def field_change(name: str, old: Any, new: Any) -> FieldChange:
    """The line diff of field ``name`` from ``old`` to ``new`` (unchanged lines kept for context)."""
    before, after = field_lines(name, old), field_lines(name, new)
    lines: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if tag == "equal":
            lines += [(" ", line) for line in before[i1:i2]]
            continue
        lines += [("-", line) for line in before[i1:i2]]
        lines += [("+", line) for line in after[j1:j2]]
    return FieldChange(FIELD_LABELS.get(name, name), lines)


def version_changes(snapshots: list[dict]) -> list[list[FieldChange]]:
    """For each snapshot (oldest first), what changed from the one before (the first: everything)."""
    changes = []
    previous: dict = {}
    for snapshot in snapshots:
        names = changed_fields(previous, snapshot)
        changes.append([field_change(name, previous.get(name), snapshot[name]) for name in names])
        previous = snapshot
    return changes
