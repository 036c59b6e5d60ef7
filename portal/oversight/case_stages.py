"""Named read queries for the case stages on the supervisor dashboard (案件办理进度).

An open case (``closed_on IS NULL``) is overdue when the stage after its latest one was due
before today (``next_due_on`` from :mod:`portal.cases.policy`), and due soon when it is due
within the same 3 working days as the matter sections (:func:`due_soon_limit`). Both are one
range of ``next_due_on`` (indexed; closed cases have none), read a page at a time as plain
rows, the most late first; every count is computed in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from portal.accounts.models import Department
from portal.cases.models import CASE_TYPES, Case, CaseStage
from portal.cases.stages import stage_label
from portal.disclosure.queries import due_soon_limit
from portal.extensions import db


@dataclass(frozen=True)
class CaseRow:
    """One open case whose next stage is overdue or due soon, with the names it is shown with."""

    case_id: int
    case_no: str
    case_type: str
    stage: str
    department: str
    due_on: date
    days_late: int


@dataclass(frozen=True)
class DepartmentCount:
    """Overdue and due-soon cases of one handling unit."""

    key: int
    name: str
    overdue: int
    due_soon: int


@dataclass(frozen=True)
class CaseStages:
    """The dashboard's case section: the first rows, both counts and the counts per unit."""

    rows: list[CaseRow]
    counts: dict[str, int]
    by_department: list[DepartmentCount]

    @property
    def total(self) -> int:
        """How many cases the section holds (overdue and due soon)."""
        return sum(self.counts.values())


def _open_until(today: date) -> list:
    """Open cases due by the end of the due-soon window (overdue ones included)."""
    return [Case.closed_on.is_(None), Case.next_due_on <= due_soon_limit(today)]


def _latest_stage():
    """The code of a case's latest stage (stages are entered in date order, so id order)."""
    return (select(CaseStage.stage).where(CaseStage.case_id == Case.id)
            .order_by(CaseStage.id.desc()).limit(1).correlate(Case).scalar_subquery())


def case_rows(today: date, *, limit: int, offset: int = 0) -> list[CaseRow]:
    """One page of the overdue and due-soon cases, the most late first (then the oldest case)."""
    query = (select(Case.id, Case.case_no, Case.case_type, _latest_stage(), Department.name,
                    Case.next_due_on)
             .join(Department, Department.id == Case.department_id)
             .where(*_open_until(today))
             .order_by(Case.next_due_on, Case.id).limit(limit).offset(offset))
    return [CaseRow(case_id, number, CASE_TYPES.get(case_type, case_type),
                    stage_label(stage or "", case_type), department, due_on,
                    max(0, (today - due_on).days))
            for case_id, number, case_type, stage, department, due_on in db.session.execute(query)]


def case_counts(today: date) -> tuple[dict[str, int], list[DepartmentCount]]:
    """Overdue and due-soon open cases in total and per handling unit (the most overdue first)."""
    late = Case.next_due_on < today
    query = (select(Case.department_id, Department.name, func.count().filter(late),
                    func.count().filter(~late))
             .join(Department, Department.id == Case.department_id)
             .where(*_open_until(today)).group_by(Case.department_id, Department.name))
    units = [DepartmentCount(key, name, overdue or 0, soon or 0)
             for key, name, overdue, soon in db.session.execute(query)]
    counts = {"overdue": sum(u.overdue for u in units), "due-soon": sum(u.due_soon for u in units)}
    return counts, sorted(units, key=lambda u: (-u.overdue, -u.due_soon, u.name))


def dashboard(today: date, *, limit: int) -> CaseStages:
    """The first ``limit`` rows of the section with its counts."""
    counts, by_department = case_counts(today)
    return CaseStages(case_rows(today, limit=limit), counts, by_department)
