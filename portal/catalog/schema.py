"""Validation of guide data, shared by the content loader and the back-office editor.

:func:`parse_guide` turns a mapping (YAML front matter, or form data) into a
:class:`GuideData` or raises :class:`FieldError` naming the field at fault.
Pure Python: no Flask, no database.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from portal.core.errors import FieldError

ITEM_TYPES = ("行政许可", "行政确认", "行政给付", "公共服务", "其他行政权力")
UNITS = ("working_days", "calendar_days")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REVIEW_INTERVAL = timedelta(days=365)

# Guides whose service the portal itself handles, so it can measure how the promise is kept:
# slug -> the kind of matter (``Matter.kind``) whose replies are counted beside the promised and
# statutory limits (average days to reply, on-time share, last 12 months). The portal measures only
# its own matters, so this list is part of the code, not of the guide files: a guide for a service
# handled outside the portal (a counter, another system) has nothing to measure and shows no figure.
MEASURED_BY: dict[str, str] = {
    "government-information-request": "request",  # 依申请公开, /apply
    "police-complaint": "complaint",  # 投诉, /complain
}
OPTIONAL = ("review_due_on", "local_note", "faq")
REQUIRED = (
    "slug", "title", "category", "item_type", "department", "agency", "basis", "conditions",
    "materials", "steps", "statutory_limit", "promised_limit", "fees", "location", "hours",
    "phone", "complaint_phone", "online", "visits", "reviewed_on",
)


@dataclass(frozen=True)
class Fee:
    """One fee item: what it is for, the amount in yuan (0 = free) and its legal basis."""

    item: str
    amount_yuan: Decimal
    basis: str


@dataclass(frozen=True)
class GuideData:
    """Everything a guide holds, validated and typed."""

    slug: str
    title: str
    category: str
    item_type: str
    department: str
    agency: str
    basis: list[str]
    conditions: str
    materials: list[str]
    steps: list[str]
    statutory_days: int | None
    statutory_unit: str | None
    promised_days: int
    promised_unit: str
    promised_is_example: bool
    fees: list[Fee]
    location: str
    hours: str
    phone: str
    complaint_phone: str
    online: bool
    visits: int
    reviewed_on: date
    review_due_on: date
    local_note: str = ""
    faq: list[dict[str, str]] = field(default_factory=list)
    body_md: str = ""

    def snapshot(self) -> dict[str, Any]:
        """A JSON-ready dict of every field, used for version history and change detection."""
        data = asdict(self)
        data["fees"] = [
            {"item": f.item, "amount_yuan": str(f.amount_yuan), "basis": f.basis} for f in self.fees
        ]
        data["reviewed_on"] = self.reviewed_on.isoformat()
        data["review_due_on"] = self.review_due_on.isoformat()
        return data


def _text(
    raw: dict, name: str, *, max_len: int = 10_000, required: bool = True, where: str = ""
) -> str:
    label = f"{where}.{name}" if where else name
    value = raw.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise FieldError(label, "不能为空")
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise FieldError(label, "应为文本")
    text = "\n".join(line.rstrip() for line in str(value).splitlines()).strip()
    if len(text) > max_len:
        raise FieldError(label, f"不能超过 {max_len} 个字符")
    return text


def _text_list(raw: dict, name: str) -> list[str]:
    value = raw.get(name)
    if isinstance(value, str):
        value = [line for line in value.splitlines() if line.strip()]
    if not isinstance(value, list) or not value:
        raise FieldError(name, "应为至少一项的列表")
    items = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise FieldError(name, "列表中每一项都应为非空文本")
        items.append(item.strip())
    return items


def _integer(value: Any, name: str, *, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or value is None:
        raise FieldError(name, "应为整数")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise FieldError(name, "应为整数") from None
    if not minimum <= number <= maximum:
        raise FieldError(name, f"应在 {minimum} 到 {maximum} 之间")
    return number


def _limit(raw: dict, name: str, *, nullable: bool) -> tuple[int | None, str | None, bool]:
    value = raw.get(name)
    if value is None:
        if nullable:
            return None, None, False
        raise FieldError(name, "不能为空")
    if not isinstance(value, dict):
        raise FieldError(name, "应包含 days 和 unit")
    days = _integer(value.get("days"), f"{name}.days", minimum=0, maximum=365)
    unit = value.get("unit")
    if unit not in UNITS:
        raise FieldError(f"{name}.unit", "应为 working_days（工作日）或 calendar_days（自然日）")
    example = value.get("example", False)
    if not isinstance(example, bool):
        raise FieldError(f"{name}.example", "应为 true 或 false")
    return days, unit, example


def _fees(raw: dict) -> list[Fee]:
    value = raw.get("fees")
    if not isinstance(value, list) or not value:
        raise FieldError("fees", "应至少有一项收费说明（免费填 0 元并注明依据）")
    fees = []
    for index, item in enumerate(value, start=1):
        where = f"fees[{index}]"
        if not isinstance(item, dict):
            raise FieldError(where, "应包含 item、amount、basis")
        try:
            amount = Decimal(str(item.get("amount")).strip())
        except InvalidOperation:
            raise FieldError(f"{where}.amount", "金额应为数字（元）") from None
        if not amount.is_finite() or amount < 0 or amount > Decimal("100000"):
            raise FieldError(f"{where}.amount", "金额应在 0 到 100000 元之间")
        if amount.as_tuple().exponent < -2:  # type: ignore[operator]
            raise FieldError(f"{where}.amount", "金额最多保留两位小数")
        fees.append(
            Fee(
                item=_text(item, "item", max_len=200, where=where),
                amount_yuan=amount.quantize(Decimal("0.01")),
                basis=_text(item, "basis", max_len=255, where=where),
            )
        )
    return fees


def _date(raw: dict, name: str) -> date:
    value = raw.get(name)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise FieldError(name, "日期格式应为 YYYY-MM-DD") from None


def _boolean(raw: dict, name: str) -> bool:
    value = raw.get(name)
    if not isinstance(value, bool):
        raise FieldError(name, "应为 true 或 false")
    return value


def _faq(raw: dict) -> list[dict[str, str]]:
    value = raw.get("faq") or []
    if not isinstance(value, list):
        raise FieldError("faq", "应为问答列表")
    pairs = []
    for index, item in enumerate(value, start=1):
        if not isinstance(item, dict) or not item.get("q") or not item.get("a"):
            raise FieldError(f"faq[{index}]", "每一项应有 q（问题）和 a（回答）")
        pairs.append({"q": str(item["q"]).strip(), "a": str(item["a"]).strip()})
    return pairs


def parse_guide(raw: dict[str, Any], body_md: str = "") -> GuideData:
    """Validate ``raw`` and return typed guide data; raise :class:`FieldError` if invalid."""
    if not isinstance(raw, dict):
        raise FieldError("front matter", "应为键值对")
    for name in REQUIRED:
        if name not in raw:
            raise FieldError(name, "缺少此字段")
    for name in raw:
        if name not in REQUIRED and name not in OPTIONAL:
            raise FieldError(str(name), "未知字段（是否拼写错误？）")
    slug = _text(raw, "slug", max_len=80)
    if not SLUG_RE.match(slug):
        raise FieldError("slug", "只能包含小写字母、数字和连字符")
    item_type = _text(raw, "item_type", max_len=32)
    if item_type not in ITEM_TYPES:
        raise FieldError("item_type", "应为：" + "、".join(ITEM_TYPES))
    statutory_days, statutory_unit, _ = _limit(raw, "statutory_limit", nullable=True)
    promised_days, promised_unit, promised_example = _limit(raw, "promised_limit", nullable=False)
    reviewed_on = _date(raw, "reviewed_on")
    review_due_on = _date(raw, "review_due_on") if raw.get("review_due_on") else None
    return GuideData(
        slug=slug,
        title=_text(raw, "title", max_len=120),
        category=_text(raw, "category", max_len=32),
        item_type=item_type,
        department=_text(raw, "department", max_len=32),
        agency=_text(raw, "agency", max_len=200),
        basis=_text_list(raw, "basis"),
        conditions=_text(raw, "conditions"),
        materials=_text_list(raw, "materials"),
        steps=_text_list(raw, "steps"),
        statutory_days=statutory_days,
        statutory_unit=statutory_unit,
        promised_days=promised_days or 0,
        promised_unit=promised_unit or "working_days",
        promised_is_example=promised_example,
        fees=_fees(raw),
        location=_text(raw, "location", max_len=255),
        hours=_text(raw, "hours", max_len=255),
        phone=_text(raw, "phone", max_len=64),
        complaint_phone=_text(raw, "complaint_phone", max_len=64),
        online=_boolean(raw, "online"),
        visits=_integer(raw.get("visits"), "visits", minimum=0, maximum=10),
        reviewed_on=reviewed_on,
        review_due_on=review_due_on or reviewed_on + REVIEW_INTERVAL,
        local_note=_text(raw, "local_note", required=False),
        faq=_faq(raw),
        body_md="\n".join(line.rstrip() for line in (body_md or "").splitlines()).strip(),
    )
