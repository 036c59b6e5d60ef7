"""Forms of the case-progress service: the party's lookup and the back-office forms."""

from __future__ import annotations

from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.cases.models import CASE_TYPES, PARTY_ROLES
from portal.cases.stages import STAGES
from portal.forms import PortalForm


class ProgressLookupForm(PortalForm):
    """Case number, query code and the last four characters of the party's ID number."""

    case_no = StringField("案件编号", validators=[DataRequired("请填写案件编号。"),
                                              Length(max=40, message="案件编号不超过 40 个字符。")])
    query_code = StringField("查询码", render_kw={"autocomplete": "off"}, validators=[
        DataRequired("请填写查询码。"), Length(max=20, message="查询码为 8 位。")])
    id_last4 = StringField("本人证件号码后四位", render_kw={"autocomplete": "off", "maxlength": 4},
                           validators=[DataRequired("请填写证件号码后四位。"),
                                       Length(min=4, max=4, message="请填写证件号码的最后 4 位。")])


class CaseForm(PortalForm):
    """A new case: number, type, handling unit, officer (internal), unit phone, 受案 date."""

    case_no = StringField("案件编号", validators=[
        DataRequired("请填写案件编号。"), Length(min=4, max=40, message="案件编号应为 4–40 个字符。")])
    case_type = SelectField("案件类型", choices=[SelectChoice(k, v) for k, v in CASE_TYPES.items()])
    department_id = SelectField("办案单位", coerce=int, validators=[InputRequired("请选择办案单位。")])
    officer_in_charge = StringField("主办民警（内部信息，不对当事人公开）", validators=[
        DataRequired("请填写主办民警。"), Length(max=64)])
    unit_phone = StringField("办案单位联系电话（当事人可见）", validators=[
        DataRequired("请填写办案单位联系电话。"), Length(max=30)])
    accepted_on = DateField("受案日期", validators=[InputRequired("请填写受案日期。")])
    note = TextAreaField("受案内部备注（不对当事人公开）", validators=[Optional(), Length(max=2000)])


class PartyForm(PortalForm):
    """A reporter, victim or party who will look the case up."""

    role = SelectField("身份", choices=[SelectChoice(k, v) for k, v in PARTY_ROLES.items()])
    name = StringField("姓名", validators=[DataRequired("请填写姓名。"), Length(max=100)])
    id_last4 = StringField("证件号码后四位", render_kw={"maxlength": 4}, validators=[
        DataRequired("请填写证件号码后四位。"), Length(min=4, max=4, message="请填写证件号码的最后 4 位。")])
    email = StringField("电子邮箱（选填，用于发送进度通知）", validators=[Optional(), Length(max=254)])

    def is_blank(self) -> bool:
        """True when nothing was typed (the new-case form's party is optional)."""
        return not any((field.data or "").strip() for field in (self.name, self.id_last4, self.email))


class StageForm(PortalForm):
    """The next stage: which, when, the kind or reason the party sees, an internal note."""

    stage = SelectField("办理环节", choices=[SelectChoice(k, v) for k, v in STAGES.items()
                                          if k != "accepted"])
    day = DateField("日期", validators=[InputRequired("请填写日期。")])
    kind = SelectField("强制措施或处理决定的种类", validate_choice=False)
    reason = TextAreaField("理由（不予立案、撤销案件时填写，当事人可见）",
                           validators=[Optional(), Length(max=1000)])
    note = TextAreaField("内部备注（不对当事人公开）", validators=[Optional(), Length(max=2000)])
