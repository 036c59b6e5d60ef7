"""Forms of the routing steps: transfer a request, consult departments, answer a consultation."""

from __future__ import annotations

from wtforms import IntegerField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from portal.disclosure.routing import MAX_CONSULTATION_WORKDAYS as MAX_WORKDAYS
from portal.forms import PortalForm


class TransferForm(PortalForm):
    """The office sends a request to the department that holds the information."""

    department_id = SelectField("承办部门", coerce=int, validators=[InputRequired("请选择承办部门。")])
    reason = TextAreaField("转办理由", validators=[DataRequired("转办须说明理由。"), Length(max=1000)])


class ConsultForm(PortalForm):
    """The office asks one or more departments for their opinion, each with its own due date."""

    department_ids = SelectMultipleField("征求意见的部门（可多选）", coerce=int,
                                         validators=[DataRequired("请选择至少一个征求意见的部门。")])
    workdays = IntegerField("内部答复期限（工作日）", validators=[
        InputRequired("请填写内部答复期限。"),
        NumberRange(1, MAX_WORKDAYS, f"内部答复期限应为 1 至 {MAX_WORKDAYS} 个工作日。")])
    question = TextAreaField("征求意见的问题", validators=[DataRequired("请写明征求意见的问题。"),
                                                          Length(max=2000)])


class AnswerForm(PortalForm):
    """The consulted department's opinion."""

    answer = TextAreaField("本部门意见", validators=[DataRequired("请填写本部门的意见。"), Length(max=4000)])
