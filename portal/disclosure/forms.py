"""The citizen's request form, the status lookup and the rating form."""

from __future__ import annotations

import re

from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from portal.core.pii import is_valid_citizen_id
from portal.disclosure.models import APPLICANT_TYPES, DELIVERY, ID_TYPES, ORG_KINDS
from portal.forms import PortalForm
from portal.matters.models import SUBMISSION_KEY_LENGTH
from portal.web.input_guard import drop_longer_than

PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


def _choices(mapping: dict[str, str], blank: str | None = None) -> list[SelectChoice]:
    head = [SelectChoice("", blank)] if blank else []
    return head + [SelectChoice(code, label) for code, label in mapping.items()]


class RequestForm(PortalForm):
    """依申请公开 application: who asks, how to reach them, what they want."""

    submission_key = HiddenField(filters=[drop_longer_than(SUBMISSION_KEY_LENGTH)])
    applicant_type = RadioField("申请人类型", choices=_choices(APPLICANT_TYPES), default="person",
                                validators=[DataRequired("请选择申请人类型。")])
    org_kind = SelectField("组织类型（法人或其他组织填写）", choices=_choices(ORG_KINDS, "请选择"))
    applicant_name = StringField("姓名或组织名称", validators=[
        DataRequired("请填写姓名或组织名称。"), Length(max=100, message="不能超过 100 个字。")])
    id_type = SelectField("证件类型", choices=_choices(ID_TYPES))
    id_number = StringField("证件号码", validators=[
        DataRequired("请填写证件号码。"), Length(max=40, message="证件号码过长。")])
    phone = StringField("联系电话", validators=[DataRequired("请填写联系电话。")])
    email = StringField("电子邮箱（选填）", validators=[
        Optional(), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="电子邮箱格式不正确。"),
        Length(max=254)])
    address = StringField("通讯地址", validators=[
        DataRequired("请填写通讯地址。"), Length(max=255, message="地址过长。")])
    description = TextAreaField("所需政府信息的名称、文号或便于查询的其他特征性描述", validators=[
        DataRequired("请描述所需的政府信息。"), Length(min=5, max=5000, message="请用 5–5000 字描述。")])
    purpose = TextAreaField("用途（选填）", validators=[Optional(), Length(max=1000)])
    delivery = RadioField("获取信息的方式", choices=_choices(DELIVERY),
                          validators=[DataRequired("请选择获取方式。")])
    attachment = FileField("附件（选填，PDF、JPEG 或 PNG，不超过 10 MB）")
    consent = BooleanField("我已阅读并同意《个人信息保护说明》：所填信息仅用于办理本申请。",
                           validators=[DataRequired("请阅读并同意个人信息保护说明。")])

    def validate_org_kind(self, field) -> None:
        """Organisations must say what kind they are (the annual report counts them)."""
        if self.applicant_type.data == "org" and not field.data:
            raise ValidationError("法人或其他组织请选择组织类型。")

    def validate_id_number(self, field) -> None:
        """A 居民身份证 number must carry a valid GB 11643 check digit."""
        value = (field.data or "").strip().upper()
        if self.id_type.data == "resident_id" and not is_valid_citizen_id(value):
            raise ValidationError("居民身份证号码不正确（请核对出生日期和最后一位校验码）。")
        field.data = value

    def validate_phone(self, field) -> None:
        """A mobile number or a landline with its area code."""
        value = re.sub(r"[\s]", "", field.data or "")
        if not PHONE_RE.match(value):
            raise ValidationError("请填写 11 位手机号码，或带区号的固定电话。")
        field.data = value

    def validate_delivery(self, field) -> None:
        """E-mail delivery needs an address (checked here: an empty e-mail stops its own chain)."""
        if field.data == "email" and not (self.email.data or "").strip():
            raise ValidationError("选择电子邮件方式时请填写电子邮箱。")


class LookupForm(PortalForm):
    """Tracking number and access code."""

    tracking_no = StringField("受理编号", validators=[DataRequired("请填写受理编号。"), Length(max=20)])  # GK-/TS-/ZX-
    access_code = StringField("查询码", validators=[DataRequired("请填写查询码。"), Length(max=20)])


class RatingForm(PortalForm):
    """The applicant's rating of the reply."""

    rating = RadioField("评价", choices=[SelectChoice("satisfied", "满意"),
                                       SelectChoice("fair", "基本满意"),
                                       SelectChoice("unsatisfied", "不满意")],
                        validators=[DataRequired("请选择评价。")])
    comment = TextAreaField("意见（选填）", validators=[Optional(), Length(max=1000)])
