"""The daily sweep (``portal deadlines sweep``): mark what became overdue, queue digests.

Set-based, so a million matters cost a few statements, not a loop in Python:

* one conditional ``UPDATE … WHERE overdue_since IS NULL … RETURNING`` marks every newly overdue
  matter; only one of two concurrent runs can win a row, so each matter's audit event
  (``matter.overdue``) is written once, appended to the chain in batches;
* the digests read at most :data:`DIGEST_LINES` matters per holder (a window function) and for the
  supervisors, with the totals counted in SQL; the complete lists stay on the dashboard. Each
  digest carries a per-user-per-day dedupe key in the outbox, so a second run queues nothing;
* after marking :data:`VACUUM_AFTER` or more at once (a first run, a long outage) the command
  vacuums ``matters`` on PostgreSQL so the dashboard's index-only scans stay index-only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import click
from flask.cli import with_appcontext
from sqlalchemy import and_, func, or_, select, text, update
from sqlalchemy.exc import DBAPIError

from portal.accounts.models import Department, User
from portal.core.timefmt import local_today
from portal.disclosure import routing
from portal.disclosure.routing_queries import overdue_by_department
from portal.extensions import db
from portal.inspection.runs import new_finding_lines
from portal.joblock import one_runner_at_a_time
from portal.matters.labels import MATTER_LABELS
from portal.matters.models import Matter
from portal.outbox.services import enqueue
from portal.oversight.audit_batch import record_each
from portal.oversight.queries import conditions, section_count, supervisors

DIGEST_LINES = 50
# After marking this many matters at once, VACUUM the table (PostgreSQL): the marked rows are
# spread over the whole table and their pages drop out of the visibility map, so the
# dashboard's index-only scans would read the heap until autovacuum comes by.
VACUUM_AFTER = 1000


@dataclass(frozen=True)
class SweepReport:
    """What one run did."""

    newly_overdue: int
    overdue: int
    due_soon: int
    digests: int
    consultations_overdue: int = 0


@dataclass(frozen=True)
class Line:
    """One matter in a digest."""

    kind: str
    tracking_no: str
    department: str
    due_on: date
    days_late: int

    def text(self) -> str:
        """The digest line, e.g. ``- 投诉 TS-2026-000001（督察）：逾期 3 天``."""
        late = f"逾期 {self.days_late} 天" if self.days_late else f"{self.due_on.isoformat()} 到期"
        return f"- {MATTER_LABELS.get(self.kind, self.kind)} {self.tracking_no}（{self.department}）：{late}"


def mark_overdue(today: date) -> int:
    """Set ``overdue_since`` on every open matter past its due date not marked yet; audit each once."""
    marked = db.session.execute(
        update(Matter).where(*conditions("overdue", today), Matter.overdue_since.is_(None))
        .values(overdue_since=Matter.due_on)
        .returning(Matter.kind, Matter.tracking_no, Matter.due_on)
        .execution_options(synchronize_session=False)).all()
    record_each("matter.overdue", [(kind, number, {"due_on": str(due_on)})
                                   for kind, number, due_on in marked])
    return len(marked)


def _late_or_soon(today: date):
    late, soon = conditions("overdue", today)[1:], conditions("due-soon", today)[1:]
    return [Matter.closed_on.is_(None), or_(and_(*late), and_(*soon))]


def digest_lines(today: date, per_holder: bool) -> dict[int | None, tuple[int, list[Line]]]:
    """Holder id (None: everyone) → (how many matters, the first :data:`DIGEST_LINES`, latest first)."""
    partition = [Matter.assignee_id] if per_holder else []
    numbered = (
        select(Matter.assignee_id.label("holder"), Matter.kind, Matter.tracking_no, Department.name,
               Matter.due_on,
               func.row_number().over(partition_by=partition or None, order_by=(Matter.due_on, Matter.id))
               .label("n"),
               func.count().over(partition_by=partition or None).label("total"))
        .join(Department, Department.id == Matter.department_id)
        .where(*_late_or_soon(today), *([Matter.assignee_id.is_not(None)] if per_holder else []))
        .subquery())
    result: dict[int | None, tuple[int, list[Line]]] = defaultdict(lambda: (0, []))
    for row in db.session.execute(select(numbered).where(numbered.c.n <= DIGEST_LINES)
                                  .order_by(numbered.c.holder, numbered.c.n)):
        key = row.holder if per_holder else None
        lines = result[key][1]
        lines.append(Line(row.kind, row.tracking_no, row.name, row.due_on, max(0, (today - row.due_on).days)))
        result[key] = (row.total, lines)
    return dict(result)


def sweep(today: date) -> SweepReport:
    """Mark newly overdue matters (audited once) and queue one digest per holder and supervisor."""
    newly = mark_overdue(today)
    routing.mark_overdue(today)  # internal consultations: history, audit and the department's alert
    consultations = sum(row.count for row in overdue_by_department(today))
    late, soon = section_count("overdue", today), section_count("due-soon", today)
    inspection = new_finding_lines(today)  # the self-inspection's findings new since its previous run
    digests = 0
    per_holder = digest_lines(today, per_holder=True)
    holders: Iterable[User] = (
        db.session.scalars(select(User).where(User.id.in_(list(per_holder)))) if per_holder else ())
    for user in holders:
        total, lines = per_holder[user.id]
        digests += _digest(user, total, lines, today, "您承办的事项")
    if late or soon or consultations or inspection:
        total, lines = digest_lines(today, per_holder=False).get(None, (0, []))
        for user in supervisors():
            digests += _digest(user, total, lines, today, "全局逾期和即将到期的事项",
                               f"共逾期 {late} 件，3 个工作日内到期 {soon} 件。"
                               + (f"内部征求意见逾期未答复 {consultations} 件。" if consultations else "")
                               + (f"\n网站自查新发现问题 {len(inspection)} 个：\n" + "\n".join(inspection)
                                  if inspection else ""))
    return SweepReport(newly, late, soon, digests, consultations)


def _digest(user: User, total: int, lines: list[Line], today: date, heading: str, summary: str = "") -> int:
    if not user.email:
        return 0
    rest = total - len(lines)
    body = (f"{user.display_name}：\n\n{heading}（{today.isoformat()}）：\n" + (f"{summary}\n" if summary else "")
            + "\n".join(line.text() for line in lines)
            + (f"\n……另有 {rest} 件未列出，完整名单请登录系统查看（按逾期天数排序）。" if rest > 0 else "")
            + "\n\n（警务公开系统每日提醒）")
    enqueue(user.email, f"到期提醒：{total} 件事项（{today.isoformat()}）", body,
            dedupe_key=f"digest:{user.id}:{today.isoformat()}")
    return 1


@click.group("deadlines")
def deadlines_group() -> None:
    """Statutory deadlines."""


@deadlines_group.command("sweep")
@with_appcontext
@one_runner_at_a_time("deadlines sweep")
def sweep_command() -> None:
    """Mark overdue matters and queue the daily digests (run by cron; safe to repeat; one
    machine at a time, the others skip)."""
    report = sweep(local_today())
    db.session.commit()
    click.echo(f"逾期 {report.overdue} 件（新增 {report.newly_overdue} 件），3 个工作日内到期 "
               f"{report.due_soon} 件，内部征求意见逾期 {report.consultations_overdue} 件；"
               f"已排队提醒邮件 {report.digests} 封。")
    if report.newly_overdue >= VACUUM_AFTER and db.engine.dialect.name == "postgresql":
        _vacuum_matters()


def _vacuum_matters() -> None:
    """VACUUM ANALYZE matters outside any transaction; a refusal (not the owner) is only reported."""
    try:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE) matters"))
    except DBAPIError as exc:
        click.echo(f"未能整理 matters 表（VACUUM）：{exc.orig}", err=True)
