"""Closing requests whose applicant let a deadline pass (补正 or 缴费): Art. 30 and 42."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from portal.core.timefmt import local_today
from portal.disclosure.models import DisclosureRequest
from portal.disclosure.services import reply
from portal.extensions import db
from portal.joblock import one_runner_at_a_time
from portal.matters.models import Matter

LAPSES = {
    # status → (event that set the deadline, reply sub-reason of 其他处理, reply text)
    "awaiting_clarification": ("clarification_requested", "1",
                               "申请人无正当理由逾期未补正，依据《政府信息公开条例》第三十条，视为放弃申请。"),
    "fee_pending": ("fee_notice_sent", "2",
                    "申请人逾期未按收费通知要求缴纳费用，依据《政府信息公开条例》第四十二条，视为放弃申请。"),
}


def close_lapsed(today: date) -> list[str]:
    """Close every request whose applicant's deadline passed before ``today``; idempotent."""
    closed = []
    matters = db.session.scalars(select(Matter).where(
        Matter.kind == "request", Matter.closed_on.is_(None), Matter.status.in_(LAPSES)))
    for matter in matters:
        event_kind, sub_code, text = LAPSES[matter.status]
        deadline = next((e.deadline for e in reversed(matter.events) if e.kind == event_kind), None)
        if deadline is None or deadline >= today:
            continue
        req = db.session.get_one(DisclosureRequest, matter.id)
        reply(req, type_code="other", sub_code=sub_code, text=text, actor_id=None,
              supervisor_approved=True, action="lapsed")
        closed.append(matter.tracking_no)
    return closed


@click.group("requests")
def requests_group() -> None:
    """依申请公开 maintenance."""


@requests_group.command("close-lapsed")
@with_appcontext
@one_runner_at_a_time("requests close-lapsed")
def close_lapsed_command() -> None:
    """Close requests whose clarification or fee deadline has passed (run daily by cron; one
    machine at a time, the others skip)."""
    closed = close_lapsed(local_today())
    db.session.commit()
    click.echo(f"已办结 {len(closed)} 件逾期未补正或未缴费的申请" + (f"：{'、'.join(closed)}" if closed else "。"))
