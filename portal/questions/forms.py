"""Forms of 网上咨询: asking (with its preview step), rating, and the staff answer."""

from __future__ import annotations

import re

from wtforms import BooleanField, DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from portal.forms import PortalForm, optional_id
from portal.matters.models import SUBMISSION_KEY_LENGTH
from portal.questions.models import RATINGS
from portal.web.input_guard import drop_longer_than

PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


class AskForm(PortalForm):
    """A question to a department; contact details are optional."""

    submission_key = HiddenField(filters=[drop_longer_than(SUBMISSION_KEY_LENGTH)])
    department_id = SelectField("咨询部门", coerce=optional_id, validators=[DataRequired("请选择咨询部门。")])
    subject = StringField("标题", validators=[
        DataRequired("请填写标题。"), Length(min=4, max=60, message="标题请用 4–60 字。")])
    question_text = TextAreaField("咨询内容", validators=[
        DataRequired("请填写咨询内容。"), Length(min=10, max=3000, message="咨询内容请用 10–3000 字。")])
    phone = StringField("联系电话（选填）")
    email = StringField("电子邮箱（选填，用于接收答复通知）", validators=[
        Optional(), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="电子邮箱格式不正确。"), Length(max=254)])
    consent_publish = BooleanField("同意在答复后公开本咨询及答复（公开时隐去姓名、证件号码、电话和住址等个人信息）")

    def validate_phone(self, field) -> None:
        """An optional phone number, a mobile or a landline with its area code."""
        value = re.sub(r"\s", "", field.data or "")
        if value and not PHONE_RE.match(value):
            raise ValidationError("请填写 11 位手机号码，或带区号的固定电话。")
        field.data = value


class RatingForm(PortalForm):
    """The asker's rating of the answer."""

    rating = RadioField("评价", choices=[SelectChoice(code, label) for code, label in RATINGS.items()],
                        validators=[DataRequired("请选择评价。")])
    comment = TextAreaField("意见（选填）", validators=[Optional(), Length(max=1000)])


class AnswerForm(PortalForm):
    """The department's answer, and the question as the public will read it."""

    day = DateField("答复日期", validators=[InputRequired("请填写答复日期。")])
    answer_md = TextAreaField("答复内容", validators=[DataRequired("请填写答复内容。"), Length(max=20_000)])
    public_title = StringField("公开的标题（姓名写成 [[姓名]]张三[[/姓名]]，公开时显示为“张某”）",
                               validators=[Optional(), Length(max=200)])
    public_question = TextAreaField(
        "公开的咨询内容（咨询人同意公开时使用；可删减，不予公开的部分写成 [[不予公开:third-party]]…[[/不予公开]]）",
        validators=[Optional(), Length(max=5000)])
