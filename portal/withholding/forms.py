"""The form of the publication preview: the text staff are about to publish."""

from __future__ import annotations

from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from portal.forms import PortalForm

#: The longest text the preview reads (the longest reply a form accepts).
MAX_PREVIEW_LENGTH = 20000


class PreviewForm(PortalForm):
    """A text to preview as the public will see it."""

    text = TextAreaField("待公开的文字", validators=[
        DataRequired("请填写要预览的文字。"),
        Length(max=MAX_PREVIEW_LENGTH, message=f"预览的文字不能超过 {MAX_PREVIEW_LENGTH} 字。")])
