"""Work alerts to staff and supervisors, written to the outbox with the change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.core.timefmt import format_local
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


def alert_failed_logins(user: User, failures: int, since: datetime) -> None:
    """Tell ``user`` that their account has drawn ``failures`` wrong passwords since ``since``
    (UTC), once per counting window. Neither the passwords tried nor the addresses are given."""
    body = (f"自 {format_local(since)} 起，有人使用您的账号“{user.username}”登录，"
            f"已连续 {failures} 次密码错误。\n\n"
            "系统已放慢对该账号的登录尝试，您本人仍可正常登录。如果这些尝试不是您本人所为，"
            "请登录后立即修改密码，并告知系统管理员。")
    alert(user, "账号登录失败提醒", body, key=f"login-failures:{since:%Y%m%d%H%M%S}")
