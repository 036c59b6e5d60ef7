"""Named read queries for the staff case list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from portal.cases.models import Case

DUE_SOON_DAYS = 3  # case limits are calendar days, so "due soon" is too
TIMINGS = {"overdue": "已逾期", "due-soon": f"{DUE_SOON_DAYS} 日内到期"}
STATES = {"open": "办理中", "closed": "已办结"}


@dataclass(frozen=True)
class CaseFilter:
    """List filters: "overdue" / "due-soon", case type, "open" / "closed"; empty = any."""

    timing: str = ""
    case_type: str = ""
    state: str = ""


def case_list(department_id: int | None, flt: CaseFilter, today: date) -> Select:
    """Cases of a unit (None = all), open ones first, the soonest next stage first."""
    query = (select(Case).options(selectinload(Case.stages))
             .order_by(Case.closed_on.is_not(None), Case.next_due_on.is_(None), Case.next_due_on,
                       Case.id))
    if department_id is not None:
        query = query.where(Case.department_id == department_id)
    if flt.case_type:
        query = query.where(Case.case_type == flt.case_type)
    if flt.state == "open":
        query = query.where(Case.closed_on.is_(None))
    elif flt.state == "closed":
        query = query.where(Case.closed_on.is_not(None))
    if flt.timing == "overdue":
        query = query.where(Case.closed_on.is_(None), Case.next_due_on < today)
    elif flt.timing == "due-soon":
        query = query.where(Case.closed_on.is_(None), Case.next_due_on >= today,
                            Case.next_due_on <= today + timedelta(days=DUE_SOON_DAYS))
    return query
