"""Counting failures per key and locking a key out for a while.

A key is an address, or an address together with what it tried (an account, a case number):
never a target alone, so nobody can lock the rightful user out by failing on their behalf from
elsewhere. Kept in the database so every worker and machine sees the same counts.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import LoginThrottle
from portal.core.timefmt import utcnow
from portal.extensions import db


def address_key(scope: str, address: str | None) -> str:
    """The key counting failures of ``scope`` (e.g. ``"login"``) from one client address."""
    return f"{scope}:ip:{address or '-'}"


def pair_key(scope: str, address: str | None, target: str) -> str:
    """The key counting failures of ``scope`` from one address against one ``target`` (an account,
    a number); the target is hashed, so the key has a fixed length whatever was typed."""
    digest = hashlib.sha256(target.encode()).hexdigest()[:32]
    return f"{scope}:pair:{address or '-'}:{digest}"


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
