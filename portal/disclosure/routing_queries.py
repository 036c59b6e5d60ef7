"""Named read queries for consultations: a department's list, and the overdue ones per department
for the supervisor dashboard (read through the partial index of unanswered consultations)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select

from portal.accounts.models import Department
from portal.disclosure.models import Consultation
from portal.extensions import db

TIMINGS = {"open": "待答复", "overdue": "已逾期", "answered": "已答复"}


@dataclass(frozen=True)
class DepartmentOverdue:
    """How many consultations one department has left unanswered past their due date."""

    department_id: int
    name: str
    count: int
    oldest_due_on: date


def consultation_list(department_id: int | None, timing: str, today: date) -> Select:
    """Consultations of a department (None: all), unanswered first, soonest due first."""
    query = select(Consultation).order_by(Consultation.answered_on.is_not(None), Consultation.due_on,
                                          Consultation.id)
    if department_id is not None:
        query = query.where(Consultation.department_id == department_id)
    if timing == "open":
        query = query.where(Consultation.answered_on.is_(None))
    elif timing == "overdue":
        query = query.where(Consultation.answered_on.is_(None), Consultation.due_on < today)
    elif timing == "answered":
        query = query.where(Consultation.answered_on.is_not(None))
    return query


def overdue_by_department(today: date) -> list[DepartmentOverdue]:
    """Unanswered consultations past their due date, counted per department, most first."""
    query = (select(Consultation.department_id, Department.name, func.count(), func.min(Consultation.due_on))
             .join(Department, Department.id == Consultation.department_id)
             .where(Consultation.answered_on.is_(None), Consultation.due_on < today)
             .group_by(Consultation.department_id, Department.name))
    rows = [DepartmentOverdue(key, name, count, oldest) for key, name, count, oldest in db.session.execute(query)]
    return sorted(rows, key=lambda row: (-row.count, row.oldest_due_on, row.name))


def waiting_for(department_id: int, today: date) -> tuple[int, int]:
    """(unanswered, of which overdue) consultations addressed to a department."""
    late = Consultation.due_on < today
    waiting, overdue = db.session.execute(
        select(func.count(), func.count().filter(late))
        .where(Consultation.answered_on.is_(None), Consultation.department_id == department_id)).one()
    return waiting or 0, overdue or 0
