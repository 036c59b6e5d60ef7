"""Named read queries for penalty decisions: the public list, one public record, the staff list
and the lapses the supervisor dashboard flags (publication or withdrawal later than the law allows).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Select, or_, select

from portal.extensions import db
from portal.penalties.deadlines import retention_days
from portal.penalties.models import PenaltyDecision, PenaltyStatus

SHOWN = (PenaltyStatus.PUBLISHED.value, PenaltyStatus.WITHDRAWN.value)


def retained_since(today: date) -> date:
    """The earliest decision date still on the public list ``today``."""
    return today - timedelta(days=retention_days())


def public_decisions(today: date) -> Select:
    """Decisions the public may see today (withdrawn ones as their statement), newest first:
    published, never a minor's case, decided within the retention period."""
    return (select(PenaltyDecision)
            .where(PenaltyDecision.status.in_(SHOWN), PenaltyDecision.involves_minor.is_(False),
                   PenaltyDecision.decided_on >= retained_since(today))
            .order_by(PenaltyDecision.published_at.desc(), PenaltyDecision.id.desc()))


def public_decision(decision_id: int, today: date) -> PenaltyDecision | None:
    """One decision if the public may see it today, else None."""
    return db.session.scalar(public_decisions(today).where(PenaltyDecision.id == decision_id))


def staff_decisions(department_id: int | None) -> list[PenaltyDecision]:
    """Every decision (of one department when given), newest decision first."""
    query = select(PenaltyDecision).order_by(PenaltyDecision.decided_on.desc(), PenaltyDecision.id.desc())
    if department_id is not None:
        query = query.where(PenaltyDecision.department_id == department_id)
    return list(db.session.scalars(query))


def late_publications(today: date) -> list[PenaltyDecision]:
    """Decisions not published by their due date (still unpublished, or published late)."""
    unpublished = (PenaltyDecision.status == PenaltyStatus.REGISTERED.value) & \
        (PenaltyDecision.publish_due_on < today)
    return list(db.session.scalars(
        select(PenaltyDecision)
        .where(PenaltyDecision.involves_minor.is_(False), or_(unpublished, PenaltyDecision.published_late))
        .order_by(PenaltyDecision.publish_due_on, PenaltyDecision.id)))


def late_withdrawals(today: date) -> list[PenaltyDecision]:
    """Changed decisions not withdrawn within three working days (still public, or withdrawn late)."""
    pending = (PenaltyDecision.status == PenaltyStatus.PUBLISHED.value) & \
        (PenaltyDecision.withdraw_due_on < today)
    return list(db.session.scalars(
        select(PenaltyDecision).where(or_(pending, PenaltyDecision.withdrawn_late))
        .order_by(PenaltyDecision.withdraw_due_on, PenaltyDecision.id)))


def expired_in_search(today: date) -> list[PenaltyDecision]:
    """Shown decisions that have left the public list (their retention period is over)."""
    return list(db.session.scalars(select(PenaltyDecision).where(
        PenaltyDecision.status.in_(SHOWN), PenaltyDecision.decided_on < retained_since(today))))
