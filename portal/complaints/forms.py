"""Forms of the complaint channel: filing, rating and review, and the staff actions."""

from __future__ import annotations

import re

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from portal.complaints.models import COMPLAINT_TYPES, DECISIONS, OUTCOMES
from portal.forms import PortalForm, optional_id
from portal.matters.models import SUBMISSION_KEY_LENGTH
from portal.web.input_guard import drop_longer_than

PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


def _choices(mapping: dict[str, str], blank: str | None = None) -> list[SelectChoice]:
    return ([SelectChoice("", blank)] if blank else []) + [
        SelectChoice(k, v) for k, v in mapping.items()]


class ComplaintForm(PortalForm):
    """A complaint about police conduct; anonymous ones leave the contact fields empty."""

    submission_key = HiddenField(filters=[drop_longer_than(SUBMISSION_KEY_LENGTH)])
    complaint_type = SelectField("投诉类型", choices=_choices(COMPLAINT_TYPES, "请选择"),
                                 validators=[DataRequired("请选择投诉类型。")])
    about_department_id = SelectField("被投诉单位", coerce=optional_id,
                                      validators=[DataRequired("请选择被投诉单位。")])
    officer_name = StringField("被投诉民警姓名（选填）", validators=[Optional(), Length(max=50)])
    officer_number = StringField("警号（选填）", validators=[
        Optional(), Regexp(r"^\d{6}$", message="警号为 6 位数字。")])
    happened_on = DateField("发生日期", validators=[InputRequired("请填写发生日期。")])
    what_happened = TextAreaField("事情经过", validators=[
        DataRequired("请写明事情经过。"), Length(min=10, max=5000, message="请用 10–5000 字说明。")])
    wants = TextAreaField("您的诉求", validators=[DataRequired("请写明您的诉求。"), Length(max=2000)])
    attachment = FileField("证据材料（选填，PDF、JPEG 或 PNG，不超过 10 MB）")
    anonymous = BooleanField("匿名投诉（不留联系方式；将无法获得查询码，也无法收到处理结果）")
    # No Optional() here: it would stop the chain before the "named needs contact" checks below.
    complainant_name = StringField("姓名", validators=[Length(max=100)])
    phone = StringField("联系电话")
    email = StringField("电子邮箱（选填，用于接收处理结果）", validators=[
        Optional(), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="电子邮箱格式不正确。"),
        Length(max=254)])

    def validate_complainant_name(self, field) -> None:
        """Named complaints need a name."""
        if not self.anonymous.data and not (field.data or "").strip():
            raise ValidationError("请填写姓名，或选择匿名投诉。")

    def validate_phone(self, field) -> None:
        """Named complaints need a phone number the office can call back."""
        if self.anonymous.data:
            field.data = ""
            return
        value = re.sub(r"\s", "", field.data or "")
        if not PHONE_RE.match(value):
            raise ValidationError("请填写 11 位手机号码，或带区号的固定电话。")
        field.data = value


class RatingForm(PortalForm):
    """The complainant's rating."""

    rating = RadioField("评价", choices=[SelectChoice("satisfied", "满意"),
                                       SelectChoice("fair", "基本满意"),
                                       SelectChoice("unsatisfied", "不满意")],
                        validators=[DataRequired("请选择评价。")])
    comment = TextAreaField("意见（选填）", validators=[Optional(), Length(max=1000)])


class ReviewForm(PortalForm):
    """A request for 复查."""

    reason = TextAreaField("申请复查的理由", validators=[
        DataRequired("请说明申请复查的理由。"), Length(max=3000)])


class DecisionForm(PortalForm):
    """The acceptance decision."""

    decision = SelectField("受理决定", choices=_choices(DECISIONS, "请选择"),
                           validators=[DataRequired("请选择受理决定。")])
    day = DateField("决定日期", validators=[InputRequired("请填写日期。")])
    reason = TextAreaField("不予受理理由", validators=[Optional(), Length(max=2000)])
    transferred_to = StringField("转送机关", validators=[Optional(), Length(max=100)])


class ExtensionForm(PortalForm):
    """Ask a supervisor for more time."""

    days = IntegerField("延长天数", validators=[InputRequired("请填写天数。"), NumberRange(1, 365)])
    reason = TextAreaField("理由（将告知投诉人）", validators=[DataRequired("请填写理由。"), Length(max=1000)])


class ReplyForm(PortalForm):
    """The handling result."""

    outcome = SelectField("处理结果", choices=_choices(OUTCOMES, "请选择"),
                          validators=[DataRequired("请选择处理结果。")])
    day = DateField("答复日期", validators=[InputRequired("请填写日期。")])
    reply_md = TextAreaField("答复内容", validators=[DataRequired("请填写答复内容。"), Length(max=20_000)])


class SummaryForm(PortalForm):
    """A de-identified outcome summary for the public."""

    summary_md = TextAreaField("公开的处理情况摘要（姓名写成 [[姓名]]张三[[/姓名]]，公开时显示为“张某”）",
                               validators=[DataRequired("请填写摘要。"), Length(max=5000)])


class RouteForm(PortalForm):
    """A supervisor sends a complaint to another department (the unit concerned, or back to 督察)."""

    department_id = SelectField("承办单位", coerce=int, validators=[InputRequired("请选择承办单位。")])
    reason = TextAreaField("理由", validators=[DataRequired("改变承办单位须说明理由。"), Length(max=1000)])
