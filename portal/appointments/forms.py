"""Forms of the appointment pages: booking, finding a booking, moving it; staff set-up and marks."""

from __future__ import annotations

import re

from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, StringField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from portal.appointments.services import MARKS
from portal.core.pii import is_valid_citizen_id
from portal.forms import PortalForm

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


class SlotChoiceForm(PortalForm):
    """The slot picked on a day (``HH:MM``); the choices are the day's slots with free places."""

    starts_at = RadioField("预约时段", validators=[DataRequired("请选择预约时段。")])


class BookingForm(SlotChoiceForm):
    """A booking: the slot and who comes."""

    name = StringField("姓名", validators=[DataRequired("请填写姓名。"), Length(max=50, message="姓名过长。")])
    id_number = StringField("居民身份证号码", validators=[DataRequired("请填写居民身份证号码。"),
                                                      Length(max=18, message="身份证号码为 18 位。")])
    mobile = StringField("手机号码", validators=[DataRequired("请填写手机号码。")])
    email = StringField("电子邮箱（选填，用于前一天的预约提醒）", validators=[
        Optional(), Length(max=254), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="电子邮箱格式不正确。")])

    def validate_id_number(self, field) -> None:
        """An 18-character citizen ID with a valid check digit."""
        value = (field.data or "").strip().upper()
        if not is_valid_citizen_id(value):
            raise ValidationError("居民身份证号码不正确（请核对出生日期和最后一位校验码）。")
        field.data = value

    def validate_mobile(self, field) -> None:
        """An 11-digit mainland mobile number."""
        value = re.sub(r"\s", "", field.data or "")
        if not MOBILE_RE.match(value):
            raise ValidationError("请填写 11 位手机号码。")
        field.data = value


class FindBookingForm(PortalForm):
    """The booking code and the last four characters of the ID number."""

    code = StringField("预约码", validators=[DataRequired("请填写预约码。"), Length(max=20)])
    id_last4 = StringField("身份证号码后四位", validators=[
        DataRequired("请填写身份证号码后四位。"), Regexp(r"^\d{3}[\dXx]$", message="请填写身份证号码的后四位。")])


class CancelForm(PortalForm):
    """Cancel a booking (a button)."""


class HallForm(PortalForm):
    """A service hall."""

    name = StringField("大厅名称", validators=[DataRequired("请填写大厅名称。"), Length(max=100)])
    address = StringField("地址", validators=[DataRequired("请填写地址。"), Length(max=200)])
    hours = StringField("办公时间", validators=[DataRequired("请填写办公时间。"), Length(max=200)])
    department_id = SelectField("所属部门", coerce=int, validators=[InputRequired("请选择部门。")])
    active = BooleanField("接受预约", default=True)


class PlanForm(PortalForm):
    """The slots a hall offers for one guide on each working day."""

    guide_id = SelectField("办事事项", coerce=int, validators=[InputRequired("请选择事项。")])
    opens_at = TimeField("第一个时段开始", validators=[InputRequired("请填写开始时间。")])
    closes_at = TimeField("最后一个时段结束", validators=[InputRequired("请填写结束时间。")])
    slot_minutes = IntegerField("每个时段（分钟）", validators=[
        InputRequired("请填写时段长度。"), NumberRange(5, 240, message="时段长度为 5–240 分钟。")])
    capacity = IntegerField("每个时段可约人数", validators=[
        InputRequired("请填写可约人数。"), NumberRange(1, 500, message="可约人数为 1–500。")])


class PlanActiveForm(PortalForm):
    """Stop or resume a plan."""

    active = HiddenField()


class MarkForm(PortalForm):
    """Arrived, served or no-show."""

    status = SelectField("到场情况", choices=[SelectChoice(k, v) for k, v in MARKS.items()],
                         validators=[DataRequired("请选择。")])
