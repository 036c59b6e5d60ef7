"""The back-office guide editor: a form whose data is validated by :func:`parse_guide`."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.catalog.models import Guide
from portal.catalog.schema import ITEM_TYPES
from portal.forms import PortalForm

UNIT_CHOICES = [SelectChoice("working_days", "工作日"), SelectChoice("calendar_days", "自然日")]
_REQUIRED = InputRequired("此项必填。")


class GuideForm(PortalForm):
    """Every editable element of a guide; list fields take one item per line."""

    title = StringField("事项名称", validators=[_REQUIRED, Length(max=120)])
    item_type = SelectField("事项类型", choices=[SelectChoice(t, t) for t in ITEM_TYPES])
    agency = StringField("实施主体", validators=[_REQUIRED, Length(max=200)])
    basis = TextAreaField("设定依据（每行一条）", validators=[_REQUIRED])
    conditions = TextAreaField("受理条件", validators=[_REQUIRED])
    materials = TextAreaField("申请材料（每行一项）", validators=[_REQUIRED])
    steps = TextAreaField("办理流程（每行一步）", validators=[_REQUIRED])
    statutory_days = IntegerField("法定办结时限（天数，无规定则留空）", validators=[
        Optional(), NumberRange(0, 365, "应在 0 到 365 之间。")])
    statutory_unit = SelectField("法定时限单位", choices=UNIT_CHOICES)
    promised_days = IntegerField("承诺办结时限（天数，0 为当场办结）", validators=[
        InputRequired("请填写承诺办结时限。"), NumberRange(0, 365, "应在 0 到 365 之间。")])
    promised_unit = SelectField("承诺时限单位", choices=UNIT_CHOICES)
    promised_is_example = BooleanField("承诺时限为示例，须由本局设定")
    fees = TextAreaField("收费标准及依据（每行：收费项目 | 金额（元，免费填0） | 依据）",
                         validators=[_REQUIRED])
    location = StringField("办理地点", validators=[_REQUIRED, Length(max=255)])
    hours = StringField("办理时间", validators=[_REQUIRED, Length(max=255)])
    phone = StringField("咨询电话", validators=[_REQUIRED, Length(max=64)])
    complaint_phone = StringField("监督投诉电话", validators=[_REQUIRED, Length(max=64)])
    online = BooleanField("可网上办理")
    visits = IntegerField("到现场次数", validators=[
        InputRequired("请填写到现场次数。"), NumberRange(0, 10, "应在 0 到 10 之间。")])
    reviewed_on = DateField("最后审核日期", validators=[InputRequired("请填写审核日期。")])
    review_due_on = DateField("下次审核日期", validators=[InputRequired("请填写下次审核日期。")])
    local_note = TextAreaField("本地说明", validators=[Optional()])
    faq = TextAreaField("常见问题（每组两行：问：… / 答：…）", validators=[Optional()])
    body_md = TextAreaField("事项简介（Markdown）", validators=[Optional()])
    submit = SubmitField("保存")

    def load(self, guide: Guide) -> None:
        """Fill the form from a stored guide."""
        for name in ("title", "item_type", "agency", "conditions", "statutory_days",
                     "promised_days", "promised_is_example", "location", "hours", "phone",
                     "complaint_phone", "online", "visits", "reviewed_on", "review_due_on",
                     "local_note", "body_md"):
            getattr(self, name).data = getattr(guide, name)
        self.statutory_unit.data = guide.statutory_unit or "working_days"
        self.promised_unit.data = guide.promised_unit
        self.basis.data = "\n".join(guide.basis)
        self.materials.data = "\n".join(guide.materials)
        self.steps.data = "\n".join(guide.steps)
        self.fees.data = "\n".join(f"{f.item} | {f.amount_yuan:.2f} | {f.basis}" for f in guide.fees)
        self.faq.data = "\n".join(f"问：{p['q']}\n答：{p['a']}" for p in guide.faq)

    def to_raw(self, guide: Guide) -> dict:
        """The form's data in the shape :func:`parse_guide` validates."""
        fees = []
        for line in (self.fees.data or "").splitlines():
            if line.strip():
                parts = [p.strip() for p in line.split("|")]
                parts += [""] * (3 - len(parts))
                fees.append({"item": parts[0], "amount": parts[1] or None, "basis": parts[2]})
        faq, question = [], None
        for line in (self.faq.data or "").splitlines():
            text = line.strip()
            if text.startswith(("问：", "问:")):
                question = text[2:].strip()
            elif text.startswith(("答：", "答:")):
                faq.append({"q": question or "", "a": text[2:].strip()})
                question = None
        statutory = None
        if self.statutory_days.data is not None:
            statutory = {"days": self.statutory_days.data, "unit": self.statutory_unit.data}
        return {
            "slug": guide.slug, "category": guide.category.code,
            "department": guide.department.code,
            "title": self.title.data, "item_type": self.item_type.data,
            "agency": self.agency.data, "basis": self.basis.data,
            "conditions": self.conditions.data, "materials": self.materials.data,
            "steps": self.steps.data, "statutory_limit": statutory,
            "promised_limit": {"days": self.promised_days.data, "unit": self.promised_unit.data,
                               "example": bool(self.promised_is_example.data)},
            "fees": fees, "location": self.location.data, "hours": self.hours.data,
            "phone": self.phone.data, "complaint_phone": self.complaint_phone.data,
            "online": bool(self.online.data), "visits": self.visits.data,
            "reviewed_on": self.reviewed_on.data, "review_due_on": self.review_due_on.data,
            "local_note": self.local_note.data or "", "faq": faq,
        }
