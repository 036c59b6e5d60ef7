"""Demo questions (网上咨询) and an error report for ``portal init --demo``: one question answered
and published, one waiting for its answer, so the public Q&A and the staff queue show data."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import Department
from portal.core.timefmt import local_today
from portal.error_reports.models import ErrorReport
from portal.error_reports.services import report_error
from portal.extensions import db
from portal.questions.models import Question
from portal.questions.services import answer_question, ask_question


def _department(code: str) -> int | None:
    return db.session.scalar(select(Department.id).where(Department.code == code))


def create_demo_questions() -> list[str]:
    """Ask two demo questions (once), answer and publish the first; return their numbers."""
    if db.session.scalar(select(Question.matter_id).limit(1)) is not None:
        return []
    today = local_today()
    household, traffic = _department("huzheng"), _department("jiaoguan")
    if household is None or traffic is None:
        return []
    answered = ask_question(
        {"department_id": household, "subject": "孩子在外地出生，回本市怎么办理出生登记？",
         "question_text": "我叫示例咨询人，孩子在外省医院出生，户口想落在本市，需要带哪些材料？电话 13800000002。",
         "phone": "13800000002", "email": "", "consent_publish": True},
        submission_key="demo-question-1", received_on=today - timedelta(days=6)).question
    answer_question(answered, day=today - timedelta(days=3), actor_id=None,
                    public_title="孩子在外地出生，回本市怎么办理出生登记？",
                    public_question="孩子在外省医院出生，户口想落在本市，需要带哪些材料？",
                    answer="请携带《出生医学证明》、父母双方户口簿和居民身份证、结婚证，到父亲或母亲户籍所在地"
                           "派出所户籍窗口办理，详见办事指南“新生儿出生登记”。")
    waiting = ask_question(
        {"department_id": traffic, "subject": "驾驶证到期换证可以在网上办理吗？",
         "question_text": "驾驶证下个月到期，能否通过网上办理换证，需要先体检吗？",
         "phone": "", "email": "asker@example.com", "consent_publish": True},
        submission_key="demo-question-2", received_on=today - timedelta(days=1)).question
    if db.session.scalar(select(ErrorReport.id).limit(1)) is None:
        report_error(page_url="/guides/", category="broken_link", description="指南列表中有一个链接打不开。",
                     contact="", received_on=today)
    return [answered.matter.tracking_no, waiting.matter.tracking_no]
