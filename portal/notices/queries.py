"""Named read queries for notices."""

from __future__ import annotations

from datetime import UTC, date

from sqlalchemy import Select, func, select

from portal.core.timefmt import utcnow
from portal.extensions import db
from portal.notices.models import Notice, NoticeStatus


def public_notices() -> Select:
    """Notices the public may read now, newest first."""
    return (
        select(Notice)
        .where(Notice.status == NoticeStatus.PUBLISHED.value, Notice.publish_at <= utcnow())
        .order_by(Notice.publish_at.desc(), Notice.id.desc())
    )


def next_scheduled_publish() -> float | None:
    """When the next scheduled notice goes public (epoch seconds), or None."""
    moment = db.session.scalar(
        select(func.min(Notice.publish_at))
        .where(Notice.status == NoticeStatus.PUBLISHED.value, Notice.publish_at > utcnow())
    )
    return moment.replace(tzinfo=UTC).timestamp() if moment else None


def latest_public_notices(limit: int = 6) -> list[Notice]:
    """The newest public notices for the home page."""
    return list(db.session.scalars(public_notices().limit(limit)))


def public_notice(notice_id: int) -> Notice | None:
    """One notice if the public may read it now, else None."""
    return db.session.scalar(public_notices().where(Notice.id == notice_id))


def notices_overdue_for_review(today: date) -> list[Notice]:
    """Published notices whose review-due date has passed."""
    return list(db.session.scalars(
        select(Notice)
        .where(Notice.status == NoticeStatus.PUBLISHED.value, Notice.review_due_on < today)
        .order_by(Notice.review_due_on)
    ))
