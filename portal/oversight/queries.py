"""Named read queries for the supervisor dashboard and the sweep, bounded for a million matters.

Every list is a section of the open matters (overdue, due soon, awaiting approval, provisional)
read a page at a time as plain rows (no ORM objects), sorted by lateness; every count is computed
in SQL. Open matters are found through the partial index ``ix_matters_open`` (``closed_on IS
NULL``), trends through ``ix_matters_kind_received`` and ``ix_matters_kind_closed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select

from portal.accounts.models import Department, User
from portal.disclosure.queries import due_soon_limit
from portal.extensions import db
from portal.matters.labels import STAFF_ENDPOINTS
from portal.matters.models import Matter

APPROVAL_STATUSES = ("extension_requested", "reply_pending_approval")
SECTIONS = {"overdue": "已逾期", "due-soon": "3 个工作日内到期", "approval": "等待审批",
            "provisional": "暂定期限"}
UNASSIGNED = "未分配"


@dataclass(frozen=True)
class Row:
    """One open matter on the dashboard, with the names it is shown with."""

    kind: str
    tracking_no: str
    department: str
    assignee: str | None
    due_on: date | None
    due_provisional: bool
    days_late: int

    @property
    def url_endpoint(self) -> str:
        """The staff page of the matter."""
        return STAFF_ENDPOINTS.get(self.kind, "disclosure_staff.show")


@dataclass(frozen=True)
class Filter:
    """Narrow a section to one department or one holder (``assignee_id`` 0: unassigned)."""

    department_id: int | None = None
    assignee_id: int | None = None


def conditions(section: str, today: date) -> list:
    """The WHERE clauses of a section of the open matters."""
    base = [Matter.closed_on.is_(None)]
    if section == "overdue":
        return [*base, Matter.due_on < today]
    if section == "due-soon":
        return [*base, Matter.due_on >= today, Matter.due_on <= due_soon_limit(today)]
    if section == "approval":
        return [*base, Matter.status.in_(APPROVAL_STATUSES)]
    if section == "provisional":
        return [*base, Matter.due_provisional.is_(True)]
    raise KeyError(section)


def _filtered(clauses: list, flt: Filter) -> list:
    if flt.department_id is not None:
        clauses = [*clauses, Matter.department_id == flt.department_id]
    if flt.assignee_id is not None:
        clauses = [*clauses, Matter.assignee_id.is_(None) if flt.assignee_id == 0
                   else Matter.assignee_id == flt.assignee_id]
    return clauses


def rows_query(clauses: list):
    """Rows of the matters matching ``clauses`` with their department and holder names."""
    return (select(Matter.kind, Matter.tracking_no, Department.name, User.display_name, Matter.due_on,
                   Matter.due_provisional, Matter.id)
            .join(Department, Department.id == Matter.department_id)
            .outerjoin(User, User.id == Matter.assignee_id)
            .where(*clauses))


def to_row(values, today: date, late: bool) -> Row:
    """A :class:`Row` from a result of :func:`rows_query`."""
    kind, number, department, assignee, due_on, provisional = values[:6]
    days = (today - due_on).days if late and due_on is not None else 0
    return Row(kind, number, department, assignee, due_on, bool(provisional), days)


def section_rows(section: str, today: date, *, limit: int, offset: int = 0,
                 flt: Filter = Filter()) -> list[Row]:
    """One page of a section, the latest first (earliest due date, then oldest matter)."""
    query = (rows_query(_filtered(conditions(section, today), flt))
             .order_by(Matter.due_on.asc().nulls_last(), Matter.id).limit(limit).offset(offset))
    return [to_row(values, today, section == "overdue") for values in db.session.execute(query)]


def section_count(section: str, today: date, flt: Filter = Filter()) -> int:
    """How many open matters a (filtered) section holds."""
    return db.session.scalar(select(func.count()).select_from(Matter)
                             .where(*_filtered(conditions(section, today), flt))) or 0


@dataclass(frozen=True)
class Tally:
    """Overdue matters of one department or holder (``key`` is its id for the filter link)."""

    key: int
    name: str
    count: int


@dataclass(frozen=True)
class OpenSummary:
    """Every section's size, and the overdue matters per department and per holder."""

    counts: dict[str, int]
    by_department: list[Tally]
    by_assignee: list[Tally]


def _tallies(counts: dict[int, int], names: dict[int, str]) -> list[Tally]:
    return sorted((Tally(key, names.get(key, UNASSIGNED), n) for key, n in counts.items() if n),
                  key=lambda t: (-t.count, t.name))


def open_summary(today: date) -> OpenSummary:
    """One pass over the open matters, counted in SQL per department and holder."""
    sections = list(SECTIONS)
    counts = [func.count().filter(and_(*conditions(name, today)[1:])) for name in sections]
    totals = dict.fromkeys(sections, 0)
    late_by_department: dict[int, int] = {}
    late_by_holder: dict[int, int] = {}
    for department, holder, *values in db.session.execute(
            select(Matter.department_id, Matter.assignee_id, *counts).where(Matter.closed_on.is_(None))
            .group_by(Matter.department_id, Matter.assignee_id)):
        for name, value in zip(sections, values, strict=True):
            totals[name] += value or 0
        late = values[0] or 0
        late_by_department[department] = late_by_department.get(department, 0) + late
        late_by_holder[holder or 0] = late_by_holder.get(holder or 0, 0) + late
    holders = [key for key, n in late_by_holder.items() if key and n]
    holder_names = dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(holders)))
                        .all()) if holders else {}
    return OpenSummary(totals, _tallies(late_by_department, department_names()),
                       _tallies(late_by_holder, holder_names))


@dataclass(frozen=True)
class MonthTrend:
    """One month of one kind: received, closed, closed on time, closed late."""

    month: str
    received: int
    closed: int
    on_time: int
    late: int


def trend_start(today: date, months: int = 12) -> date:
    """The first day of the month ``months - 1`` months before this one."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def monthly_trend(kind: str, today: date, months: int = 12) -> list[MonthTrend]:
    """The last ``months`` calendar months with data: received, closed, closed by their due date.

    Grouped by day in SQL (an index-only range scan), summed into months here.
    """
    since = trend_start(today, months)
    received: dict[str, int] = {}
    for day, count in db.session.execute(
            select(Matter.received_on, func.count()).where(Matter.kind == kind, Matter.received_on >= since)
            .group_by(Matter.received_on)):
        received[day.strftime("%Y-%m")] = received.get(day.strftime("%Y-%m"), 0) + count
    closed: dict[str, list[int]] = {}
    in_time = Matter.closed_on <= Matter.due_on
    for closed_on, was_in_time, count in db.session.execute(
            select(Matter.closed_on, in_time, func.count())
            .where(Matter.kind == kind, Matter.closed_on >= since).group_by(Matter.closed_on, in_time)):
        if closed_on is not None:
            closed.setdefault(closed_on.strftime("%Y-%m"), [0, 0])[0 if was_in_time else 1] += count
    keys = sorted(set(received) | set(closed))
    return [MonthTrend(k, received.get(k, 0), sum(closed.get(k, [0, 0])), closed.get(k, [0, 0])[0],
                       closed.get(k, [0, 0])[1]) for k in keys]


def holder_name(assignee_id: int | None) -> str | None:
    """The name a holder filter is shown with (0: unassigned; None: no filter)."""
    if assignee_id is None:
        return None
    if assignee_id == 0:
        return UNASSIGNED
    user = db.session.get(User, assignee_id)
    return (user.display_name or user.username) if user else None


def department_names() -> dict[int, str]:
    """Department id → name."""
    return dict(db.session.execute(select(Department.id, Department.name)).all())


def supervisors() -> list[User]:
    """Active supervisors (they receive the overdue digest)."""
    return list(db.session.scalars(select(User).where(User.role == "supervisor",
                                                      User.active.is_(True))))
