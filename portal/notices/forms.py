"""Forms for writing and publishing notices."""

from __future__ import annotations

from wtforms import (
    DateField,
    DateTimeLocalField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal.forms import PortalForm
from portal.notices.models import NOTICE_KINDS


class NoticeForm(PortalForm):
    """Title, column, department and Markdown body of a notice."""

    title = StringField("标题", validators=[DataRequired("请填写标题。"),
                                          Length(max=200, message="标题不能超过 200 个字符。")])
    kind = SelectField("栏目", choices=[SelectChoice(k, k) for k in NOTICE_KINDS])
    department_id = SelectField("发布部门", coerce=int)
    body_md = TextAreaField("正文（Markdown）", validators=[
        DataRequired("请填写正文。"), Length(max=50_000, message="正文不能超过 50000 个字符。")])
    review_due_on = DateField("复核日期（到期提醒复核内容是否仍然有效）", validators=[Optional()])
    submit = SubmitField("保存草稿")


class PublishForm(PortalForm):
    """Publish now, or at a scheduled time (Beijing time)."""

    publish_at = DateTimeLocalField("定时发布（北京时间，留空则立即发布）", format="%Y-%m-%dT%H:%M",
                                    validators=[Optional()])
    submit = SubmitField("发布")


class ConfirmForm(PortalForm):
    """A button with CSRF protection (withdraw)."""

    submit = SubmitField("确认")
