"""Counting failures per key (a username, an address) and locking a key out for a while.

Kept in the database so every worker and machine sees the same counts.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import LoginThrottle
from portal.core.timefmt import utcnow
from portal.extensions import db


def seconds_locked(keys: list[str]) -> int:
    """Seconds until every key in ``keys`` is allowed again (0 when none is locked)."""
    now = utcnow()
    rows = db.session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys)))
    remaining = [(row.locked_until - now).total_seconds() for row in rows
                 if row.locked_until is not None and row.locked_until > now]
    return int(max(remaining, default=0)) + (1 if remaining else 0)


def note_failure(key: str, allowed: int, lock: timedelta) -> None:
    """Count one failure for ``key``; lock it for ``lock`` once ``allowed`` is reached."""
    now = utcnow()
    row = db.session.get(LoginThrottle, key)
    if row is None or now - row.first_failure_at > lock:
        row = row or LoginThrottle(key=key)
        row.failures, row.first_failure_at, row.locked_until = 0, now, None
        db.session.add(row)
    row.failures += 1
    if row.failures >= allowed:
        row.locked_until = now + lock


def clear(key: str) -> None:
    """Forget the failures of ``key`` (after a success)."""
    row = db.session.get(LoginThrottle, key)
    if row is not None:
        db.session.delete(row)
