"""Forms of 我为网站找错: the report, and the staff answer."""

from __future__ import annotations

from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal.error_reports.models import CATEGORIES
from portal.forms import PortalForm

PAGE_LENGTH = 500


class ReportForm(PortalForm):
    """What is wrong on which page; the contact is optional."""

    page_url = StringField("出错的网页地址", validators=[
        Optional(), Length(max=PAGE_LENGTH, message=f"网页地址不能超过 {PAGE_LENGTH} 个字符。")])
    category = SelectField("问题类型", choices=[SelectChoice("", "请选择"), *(
        SelectChoice(code, label) for code, label in CATEGORIES.items())],
        validators=[DataRequired("请选择问题类型。")])
    description = TextAreaField("问题描述", validators=[
        DataRequired("请描述发现的问题。"), Length(min=5, max=2000, message="问题描述请用 5–2000 字。")])
    contact = StringField("联系方式（选填，电话或电子邮箱）", validators=[Optional(), Length(max=254)])


class AnswerForm(PortalForm):
    """How the report was handled (sent to the reporter when they left an e-mail address)."""

    answer = TextAreaField("处理情况", validators=[DataRequired("请填写处理情况。"), Length(max=5000)])
