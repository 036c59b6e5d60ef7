"""The daily sweep (``portal deadlines sweep``): mark what became overdue, queue digests.

Idempotent and safe to run twice at once: a matter is marked overdue by a conditional UPDATE
that only one run can win (so its audit event is written once), and digests carry a
per-user-per-day dedupe key in the outbox.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import click
from flask.cli import with_appcontext
from sqlalchemy import update

from portal.audit.services import record
from portal.core.timefmt import local_today
from portal.extensions import db
from portal.matters.models import Matter
from portal.outbox.services import enqueue
from portal.oversight.queries import KIND_LABELS, due_soon, overdue, supervisors


@dataclass(frozen=True)
class SweepReport:
    """What one run did."""

    newly_overdue: int
    overdue: int
    due_soon: int
    digests: int


def _line(row) -> str:
    m = row.matter
    late = f"逾期 {row.days_late} 天" if row.days_late else f"{m.due_on.isoformat()} 到期"
    return f"- {KIND_LABELS.get(m.kind, m.kind)} {m.tracking_no}（{m.department.name}）：{late}"


def sweep(today: date) -> SweepReport:
    """Mark newly overdue matters (audited once) and queue one digest per assignee and supervisor."""
    late, soon = overdue(today), due_soon(today)
    newly = 0
    for row in late:
        won = db.session.execute(
            update(Matter).where(Matter.id == row.matter.id, Matter.overdue_since.is_(None))
            .values(overdue_since=row.matter.due_on).returning(Matter.id)).first()
        if won is not None:
            newly += 1
            record("matter.overdue", user_id=None, target_type=row.matter.kind,
                   target_id=row.matter.tracking_no, detail={"due_on": row.matter.due_on.isoformat()})
    per_assignee = defaultdict(list)
    for row in [*late, *soon]:
        if row.matter.assignee is not None:
            per_assignee[row.matter.assignee].append(row)
    digests = 0
    for user, rows in per_assignee.items():
        digests += _digest(user, rows, today, "您承办的事项")
    if late or soon:
        for user in supervisors():
            digests += _digest(user, [*late, *soon], today, "全局逾期和即将到期的事项")
    return SweepReport(newly, len(late), len(soon), digests)


def _digest(user, rows, today: date, heading: str) -> int:
    if not user.email:
        return 0
    body = f"{user.display_name}：\n\n{heading}（{today.isoformat()}）：\n" + "\n".join(
        _line(r) for r in rows) + "\n\n（警务公开系统每日提醒）"
    enqueue(user.email, f"到期提醒：{len(rows)} 件事项（{today.isoformat()}）", body,
            dedupe_key=f"digest:{user.id}:{today.isoformat()}")
    return 1


@click.group("deadlines")
def deadlines_group() -> None:
    """Statutory deadlines."""


@deadlines_group.command("sweep")
@with_appcontext
def sweep_command() -> None:
    """Mark overdue matters and queue the daily digests (run by cron; safe to repeat)."""
    report = sweep(local_today())
    db.session.commit()
    click.echo(f"逾期 {report.overdue} 件（新增 {report.newly_overdue} 件），3 个工作日内到期 "
               f"{report.due_soon} 件；已排队提醒邮件 {report.digests} 封。")
