"""Forms for penalty decisions: register or correct, record a change, withdraw, publish."""

from __future__ import annotations

from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal.forms import PortalForm
from portal.penalties.models import CHANGE_KINDS, PARTY_TYPES


def _text(label: str, limit: int, missing: str) -> TextAreaField:
    return TextAreaField(label, validators=[DataRequired(missing),
                                            Length(max=limit, message=f"不能超过 {limit} 个字符。")])


class DecisionForm(PortalForm):
    """What a decision's public record is made from, and the party's data kept internal."""

    decision_no = StringField("决定书文号", validators=[
        DataRequired("请填写决定书文号。"), Length(max=80, message="文号不能超过 80 个字符。")])
    authority = StringField("处罚机关", validators=[
        DataRequired("请填写处罚机关。"), Length(max=100, message="不能超过 100 个字符。")])
    department_id = SelectField("承办部门", coerce=int)
    decided_on = DateField("决定日期", validators=[DataRequired("请填写决定日期（年-月-日）。")])
    party_type = RadioField("当事人类型", choices=[SelectChoice(k, v) for k, v in PARTY_TYPES.items()],
                            validators=[DataRequired("请选择当事人类型。")])
    party_name = StringField("当事人名称或姓名（自然人公开时显示为“张某”）", validators=[
        DataRequired("请填写当事人。"), Length(max=50, message="不能超过 50 个字符。")])
    party_id_number = StringField("当事人证件号码（不公开）", validators=[
        Optional(), Length(max=32, message="证件号码不能超过 32 个字符。")])
    party_address = StringField("当事人住址（不公开）", validators=[
        Optional(), Length(max=200, message="住址不能超过 200 个字符。")])
    involves_minor = BooleanField("涉及未成年人（此类决定一律不公开）")
    facts = _text("主要违法事实（可用 [[不予公开:third-party]]……[[/不予公开]] 标出商业秘密）", 5000,
                  "请填写主要违法事实。")
    legal_basis = _text("处罚依据", 2000, "请填写处罚依据。")
    penalty = _text("处罚种类和内容", 2000, "请填写处罚内容。")
    submit = SubmitField("保存")


class ChangeForm(PortalForm):
    """The decision was changed, revoked, confirmed illegal or void, on a date."""

    kind = SelectField("决定的变化情形", choices=[SelectChoice(k, v) for k, v in CHANGE_KINDS.items()],
                       validators=[DataRequired("请选择变化情形。")])
    changed_on = DateField("变化发生日期", validators=[DataRequired("请填写日期（年-月-日）。")])
    submit = SubmitField("登记变化")


class WithdrawForm(PortalForm):
    """The public statement of why the decision's record is withdrawn."""

    statement = TextAreaField("撤回说明（向公众公开）", validators=[
        DataRequired("请填写撤回说明。"), Length(max=2000, message="说明不能超过 2000 个字符。")])
    submit = SubmitField("撤回并公开说明")


class ConfirmForm(PortalForm):
    """A button with CSRF protection (publish)."""

    submit = SubmitField("公开")
