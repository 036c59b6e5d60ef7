"""Named read queries for the supervisor dashboard (indexed on closed_on, due_on)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from portal.accounts.models import Department, User
from portal.disclosure.queries import due_soon_limit
from portal.extensions import db
from portal.matters.models import Matter

KIND_LABELS = {"request": "信息公开申请", "complaint": "投诉"}
APPROVAL_STATUSES = ("extension_requested", "reply_pending_approval")


@dataclass(frozen=True)
class Row:
    """One open matter on the dashboard."""

    matter: Matter
    days_late: int

    @property
    def url_endpoint(self) -> str:
        """The staff page of the matter."""
        return "complaints_staff.show" if self.matter.kind == "complaint" else "disclosure_staff.show"


def _open() -> select:
    return select(Matter).where(Matter.closed_on.is_(None))


def overdue(today: date) -> list[Row]:
    """Open matters past their due date, the latest first."""
    rows = db.session.scalars(_open().where(Matter.due_on < today).order_by(Matter.due_on))
    return [Row(m, (today - m.due_on).days) for m in rows]


def due_soon(today: date) -> list[Row]:
    """Open matters due within 3 working days."""
    rows = db.session.scalars(_open().where(Matter.due_on >= today,
                                            Matter.due_on <= due_soon_limit(today))
                              .order_by(Matter.due_on))
    return [Row(m, 0) for m in rows]


def awaiting_approval() -> list[Row]:
    """Extensions and replies waiting for a supervisor."""
    rows = db.session.scalars(_open().where(Matter.status.in_(APPROVAL_STATUSES))
                              .order_by(Matter.due_on))
    return [Row(m, 0) for m in rows]


def provisional() -> list[Row]:
    """Open matters whose due date falls in a year without a calendar."""
    rows = db.session.scalars(_open().where(Matter.due_provisional.is_(True)).order_by(Matter.due_on))
    return [Row(m, 0) for m in rows]


def overdue_by(rows: list[Row]) -> tuple[Counter, Counter]:
    """Overdue counts per department name and per assignee name."""
    departments = Counter(r.matter.department.name for r in rows)
    assignees = Counter(r.matter.assignee.display_name if r.matter.assignee else "未分配" for r in rows)
    return departments, assignees


@dataclass(frozen=True)
class MonthTrend:
    """One month of one kind: received, closed, closed on time, closed late."""

    month: str
    received: int
    closed: int
    on_time: int
    late: int


def _month(column):
    """``YYYY-MM`` of a date column, in the database's own dialect."""
    if db.engine.dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def monthly_trend(kind: str, months: int = 12) -> list[MonthTrend]:
    """Per month: received and closed counts, and how many closed by their due date."""
    received_key, closed_key = _month(Matter.received_on), _month(Matter.closed_on)
    in_time = Matter.closed_on <= Matter.due_on
    received = dict(db.session.execute(
        select(received_key, func.count()).where(Matter.kind == kind).group_by(received_key)).all())
    closed: dict[str, list[int]] = {}
    for key, was_in_time, count in db.session.execute(
            select(closed_key, in_time, func.count())
            .where(Matter.kind == kind, Matter.closed_on.is_not(None)).group_by(closed_key, in_time)):
        closed.setdefault(key, [0, 0])[0 if was_in_time else 1] += count
    keys = sorted(set(received) | set(closed))[-months:]
    return [MonthTrend(k, received.get(k, 0), sum(closed.get(k, [0, 0])), closed.get(k, [0, 0])[0],
                       closed.get(k, [0, 0])[1]) for k in keys]


def department_names() -> dict[int, str]:
    """Department id → name."""
    return dict(db.session.execute(select(Department.id, Department.name)).all())


def supervisors() -> list[User]:
    """Active supervisors (they receive the overdue digest)."""
    return list(db.session.scalars(select(User).where(User.role == "supervisor",
                                                      User.active.is_(True))))
