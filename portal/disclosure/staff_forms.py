"""Forms staff use to move a request along."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.disclosure.replies import REPLY_TYPES
from portal.forms import PortalForm

ACTIONS = {
    "note": "内部备注（不对外公开）",
    "clarification_requested": "发出补正通知",
    "clarification_received": "收到补正材料",
    "consultation_started": "开始征求第三方（或其他机关）意见",
    "consultation_ended": "征求意见结束",
    "extension_requested": "申请延长答复期限",
    "fee_notice_sent": "发出收费通知（信息处理费）",
    "fee_paid": "申请人已缴费",
}


class ActionForm(PortalForm):
    """One step on a request: what, when, what the applicant is told, an internal note."""

    action = SelectField("操作", choices=[SelectChoice(k, v) for k, v in ACTIONS.items()])
    day = DateField("日期", validators=[InputRequired("请填写日期。")])
    deadline = DateField("申请人补正期限（发出补正通知时填写）", validators=[Optional()])
    days = IntegerField("延长工作日数（申请延期时填写，最多 20）", validators=[
        Optional(), NumberRange(1, 20, "延长期限为 1–20 个工作日。")])
    fee_method = SelectField("收费方式（发出收费通知时选择）", choices=[
        SelectChoice("count", "按件计收"), SelectChoice("volume", "按量计收")])
    pages = IntegerField("页数（按量计收时填写）", validators=[
        Optional(), NumberRange(0, 100_000, "页数不正确。")])
    message = TextAreaField("告知申请人的内容", validators=[Optional(), Length(max=5000)])
    note = TextAreaField("内部备注", validators=[Optional(), Length(max=2000)])


class ReplyForm(PortalForm):
    """The reply: type (with annual-report sub-reason) and text with withheld spans."""

    reply_type = SelectField("答复类型", choices=[SelectChoice("", "请选择")] + [
        SelectChoice(t.code, t.label) for t in REPLY_TYPES.values()],
        validators=[DataRequired("请选择答复类型。")])
    sub_reason = SelectField("具体理由", choices=[SelectChoice("", "（不适用）")] + [
        SelectChoice(f"{t.code}:{code}", f"{t.label}：{label}") for t in REPLY_TYPES.values()
        for code, label in t.sub_reasons.items()], validators=[Optional()])
    reply_md = TextAreaField("答复内容", validators=[DataRequired("请填写答复内容。"),
                                                 Length(max=50_000)])
    attachment = FileField("答复附件（选填，PDF、JPEG 或 PNG，不超过 10 MB）")


class DecisionForm(PortalForm):
    """A supervisor's approval or refusal."""

    decision = SelectField("决定", choices=[SelectChoice("approve", "批准"),
                                          SelectChoice("refuse", "不批准")])
    note = TextAreaField("意见", validators=[Optional(), Length(max=2000)])
