"""Named read queries of 网上咨询: the published Q&A, the staff queue, and the public statistics.

The statistics read only aggregate columns (dates, department, on time, working days); no
question's text or contact details leave here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from statistics import median

from sqlalchemy import Select, select

from portal.accounts.models import Department
from portal.extensions import db
from portal.matters.models import Matter
from portal.questions.models import KIND, Question


def published_questions() -> Select:
    """Published questions (answered, the asker consented), newest first."""
    return (select(Question).where(Question.published_on.is_not(None))
            .order_by(Question.published_on.desc(), Question.matter_id.desc()))


def published_question(question_id: int) -> Question | None:
    """One published question, or None (unpublished ones do not exist for the public)."""
    question = db.session.get(Question, question_id)
    return question if question is not None and question.published_on is not None else None


def staff_queue(department_id: int | None) -> list[Question]:
    """Questions of one department (None: all), open ones first, the soonest due first."""
    query = (select(Question).join(Matter, Matter.id == Question.matter_id)
             .order_by(Matter.closed_on.is_not(None), Matter.due_on, Matter.id.desc()))
    if department_id is not None:
        query = query.where(Matter.department_id == department_id)
    return list(db.session.scalars(query))


def question_by_number(tracking_no: str) -> Question | None:
    """The question numbered ``tracking_no``, or None."""
    matter = db.session.scalar(select(Matter).where(Matter.tracking_no == tracking_no, Matter.kind == KIND))
    return db.session.get(Question, matter.id) if matter is not None else None


@dataclass
class MonthFigures:
    """Questions of one department received in one month."""

    month: str
    department: str
    received: int = 0
    answered: int = 0
    on_time: int = 0
    workdays: list[int] = field(default_factory=list)

    @property
    def median_workdays(self) -> float | None:
        """Median working days from receipt to answer of the answered ones (None: none answered)."""
        return float(median(self.workdays)) if self.workdays else None

    @property
    def on_time_rate(self) -> str:
        """Answers within the limit as a share of all answers, or —."""
        return f"{self.on_time / self.answered:.0%}" if self.answered else "—"


def monthly_statistics(since: date | None = None) -> list[MonthFigures]:
    """Per month (of receipt) and department: received, answered, on time, median working days.

    Newest month first; departments in their usual order.
    """
    query = (select(Matter.received_on, Department.name, Department.position, Question.answered_on,
                    Question.on_time, Question.answer_workdays)
             .join(Question, Question.matter_id == Matter.id)
             .join(Department, Department.id == Matter.department_id)
             .where(Matter.kind == KIND))
    if since is not None:
        query = query.where(Matter.received_on >= since)
    rows: dict[tuple[str, int, str], MonthFigures] = {}
    for received_on, department, position, answered_on, on_time, workdays in db.session.execute(query):
        month = received_on.strftime("%Y-%m")
        figures = rows.setdefault((month, position, department), MonthFigures(month, department))
        figures.received += 1
        if answered_on is not None:
            figures.answered += 1
            figures.on_time += bool(on_time)
            if workdays is not None:
                figures.workdays.append(workdays)
    ordered = sorted(rows.items(), key=lambda item: (item[0][0], -item[0][1]), reverse=True)
    return [figures for _key, figures in ordered]
