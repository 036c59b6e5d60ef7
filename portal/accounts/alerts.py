"""Work alerts to staff and supervisors, written to the outbox with the change."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.extensions import db
from portal.outbox.services import enqueue


def alert(user: User | None, subject: str, body: str, key: str) -> None:
    """Queue one alert to ``user`` if they have an address (internal: names and numbers only)."""
    if user is None or not user.email or not user.active:
        return
    enqueue(user.email, subject, f"{user.display_name}：\n\n{body}\n\n（警务公开系统自动提醒）",
            dedupe_key=f"alert:{user.id}:{key}")


def alert_supervisors(subject: str, body: str, key: str) -> None:
    """Queue an alert to every active supervisor."""
    for user in db.session.scalars(select(User).where(User.role == Role.SUPERVISOR.value,
                                                      User.active.is_(True))):
        alert(user, subject, body, key)
