"""Account rules: creating users, checking passwords, throttling repeated failures."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from portal.accounts.alerts import alert_failed_logins
from portal.accounts.models import Department, Role, User
from portal.audit.services import record
from portal.auth import throttle
from portal.auth.hashing import dummy_hash
from portal.core.timefmt import utcnow
from portal.extensions import db

USERNAME_RE = re.compile(r"^[a-z][a-z0-9_.-]{2,31}$")
MIN_PASSWORD_LENGTH = 10
# A hash computed once so unknown usernames cost as much time as known ones.


class AccountError(ValueError):
    """An account operation was refused; the message is shown to the user as is."""


def create_user(
    username: str,
    password: str,
    role: Role,
    department_code: str | None = None,
    display_name: str = "",
    email: str = "",
    actor_id: int | None = None,
) -> User:
    """Create an active user; staff must belong to a department. ``actor_id`` is the administrator
    creating it (None from the command line)."""
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise AccountError("用户名应为 3–32 位小写字母、数字、点、下划线或连字符，且以字母开头。")
    password_hash = hash_password(password)
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError(f"用户名 {username} 已存在。")
    department = None
    if department_code:
        department = db.session.scalar(select(Department).where(Department.code == department_code))
        if department is None:
            raise AccountError(f"部门代码 {department_code} 不存在。")
    if role is Role.STAFF and department is None:
        raise AccountError("工作人员必须属于一个部门（--department）。")
    user = User(
        username=username,
        display_name=display_name or username,
        email=email.strip(),
        password_hash=password_hash,
        role=role.value,
        department=department,
    )
    db.session.add(user)
    db.session.flush()
    record("user.create", user_id=actor_id, target_type="user", target_id=user.id,
           detail={"username": username, "role": role.value, "department": department_code})
    return user


def hash_password(password: str) -> str:
    """The stored hash of ``password`` (length checked: :class:`AccountError` when too short)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"密码至少 {MIN_PASSWORD_LENGTH} 位。")
    return generate_password_hash(password, current_app.config["PASSWORD_HASH_METHOD"])


def revoke_sessions(user: User) -> None:
    """End every session of ``user`` at once, on every machine: the user loader accepts only the
    account's current epoch (see ``User.get_id``)."""
    # An SQL increment, not a value read earlier: two revocations at once both count. The ORM
    # brings the loaded account up to date with it.
    db.session.execute(update(User).where(User.id == user.id)
                       .values(session_epoch=User.session_epoch + 1))


class LoginLocked(Exception):
    """Logins from this address (for this account, or at all) are refused for ``seconds``."""

    def __init__(self, seconds: int) -> None:
        super().__init__(seconds)
        self.seconds = seconds


def _lock_window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])


def login_attempt(username: str, remote_addr: str) -> throttle.Attempt:
    """A login's place in the failure counts: per (address, account) and per address, never per
    account alone, so a flood of wrong passwords from one address cannot lock the officer out
    when signing in from another. An address is shared by many people (NAT): it gets a larger
    allowance."""
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    return throttle.Attempt.of("login", remote_addr, username.strip().lower(), per_address=limit * 4,
                               per_pair=limit, window=_lock_window())


def authenticate(username: str, password: str, remote_addr: str) -> User | None:
    """Return the user when the password is right; raise :class:`LoginLocked` when logins from
    this address are refused.

    The attempt is counted before the password is checked (a burst gets no more checks than the
    limit allows); past the limit the login from that address is locked for
    ``LOGIN_LOCK_MINUTES``. Failures against the username from all addresses together slow every
    later attempt on it down (the right password still gets in), and the account's owner is
    alerted when they reach ``LOGIN_ALERT_AFTER``. Both outcomes are audited.
    """
    username = username.strip().lower()
    attempt = login_attempt(username, remote_addr)
    locked = attempt.admit()
    if locked:
        raise LoginLocked(locked)
    user = db.session.scalar(select(User).where(User.username == username))
    valid = check_password_hash(user.password_hash if user else dummy_hash(), password)
    if user is None or not valid or not user.active:
        counted = attempt.failed()
        if user is not None and counted.failures == current_app.config["LOGIN_ALERT_AFTER"]:
            alert_failed_logins(user, counted.failures, counted.since)
        record("login.failed", user_id=user.id if user else None, target_type="user",
               target_id=username)
        return None
    attempt.succeeded()
    user.last_login_at = utcnow()
    record("login", user_id=user.id, target_type="user", target_id=user.id)
    return user


def ensure_departments(departments: list[dict]) -> int:
    """Create or rename departments from ``[{code, name}]``; return how many changed."""
    changed = 0
    for position, item in enumerate(departments):
        row = db.session.scalar(select(Department).where(Department.code == item["code"]))
        if row is None:
            row = Department(code=item["code"], name=item["name"], position=position)
            db.session.add(row)
            changed += 1
        elif (row.name, row.position) != (item["name"], position):
            row.name, row.position = item["name"], position
            changed += 1
    db.session.flush()
    return changed
