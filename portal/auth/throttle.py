"""Counting failures per key, locking an address out for a while, slowing a target down.

Two kinds of limit:

- a *lock* on a key naming an address, or an address together with what it tried (an account, a
  number): past the limit that address is refused for a while. Never a target alone, so nobody
  can lock the rightful user out by failing on their behalf from elsewhere;
- a *slow-down* on a target (an account, a number) whatever the address: once failures against
  it pile up from many addresses, every attempt on it waits a little longer before it is
  checked (up to a few seconds). A guesser spread over many addresses gets few tries an hour;
  the rightful user, arriving from a new address with the right secret, still gets in.

Counters are kept in the database and changed by single SQL statements (an increment, or an
insert that yields to a concurrent one), so every worker and machine sees the same counts and
simultaneous failures are all counted. An :class:`Attempt` counts itself *before* the secret is
checked and commits that count at once: of a burst sent together, only as many as the limit
allows are checked, whichever workers answer them, and no counter row stays locked while a
password hash is computed. A right secret then takes its attempt back.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from portal.accounts.models import LoginThrottle
from portal.core.timefmt import utcnow
from portal.extensions import db


@dataclass(frozen=True)
class Count:
    """Failures counted for a key in its current window, and when that window began."""

    failures: int
    since: datetime


def _digest(target: str) -> str:
    return hashlib.sha256(target.encode()).hexdigest()[:32]


def address_key(scope: str, address: str | None) -> str:
    """The key counting failures of ``scope`` (e.g. ``"login"``) from one client address."""
    return f"{scope}:ip:{address or '-'}"


def pair_key(scope: str, address: str | None, target: str) -> str:
    """The key counting failures of ``scope`` from one address against one ``target`` (an account,
    a number); the target is hashed, so the key has a fixed length whatever was typed."""
    return f"{scope}:pair:{address or '-'}:{_digest(target)}"


def target_key(scope: str, target: str) -> str:
    """The key counting failures of ``scope`` against ``target`` from every address (slow-down only)."""
    return f"{scope}:target:{_digest(target)}"


def seconds_locked(keys: list[str]) -> int:
    """Seconds until every key in ``keys`` is allowed again (0 when none is locked)."""
    now = utcnow()
    rows = db.session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys))
                              .execution_options(populate_existing=True))
    remaining = [(row.locked_until - now).total_seconds() for row in rows
                 if row.locked_until is not None and row.locked_until > now]
    return int(max(remaining, default=0)) + (1 if remaining else 0)


def count_failure(key: str, window: timedelta) -> Count:
    """Add one failure to ``key``'s count, starting a new count when ``window`` has passed."""
    now = utcnow()
    db.session.flush()
    bumped = db.session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.key == key, LoginThrottle.first_failure_at > now - window)
        .values(failures=LoginThrottle.failures + 1)
        .execution_options(synchronize_session=False))
    if bumped.rowcount == 0:  # type: ignore[attr-defined]
        _start_count(key, now, window)
    row = db.session.execute(select(LoginThrottle.failures, LoginThrottle.first_failure_at)
                             .where(LoginThrottle.key == key)).one()
    return Count(row.failures, row.first_failure_at)


def _start_count(key: str, now: datetime, window: timedelta) -> None:
    """Insert ``key`` with one failure, or restart its expired count (a concurrent insert of the
    same key is counted, not lost)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    fresh = {"failures": 1, "first_failure_at": now, "locked_until": None}
    expired = LoginThrottle.first_failure_at <= now - window
    statement = insert(LoginThrottle).values(key=key, **fresh)
    statement = statement.on_conflict_do_update(
        index_elements=["key"], set_={
            "failures": db.case((expired, 1), else_=LoginThrottle.failures + 1),
            "first_failure_at": db.case((expired, now), else_=LoginThrottle.first_failure_at),
            "locked_until": db.case((expired, None), else_=LoginThrottle.locked_until)})
    db.session.execute(statement)


def failures(key: str, window: timedelta) -> int:
    """Failures counted for ``key`` within the last ``window`` (0 when none)."""
    row = db.session.get(LoginThrottle, key, populate_existing=True)
    if row is None or utcnow() - row.first_failure_at > window:
        return 0
    return row.failures


def slowdown_seconds(failed: int) -> float:
    """How long an attempt on a target with ``failed`` recent failures waits before it is checked:
    nothing up to ``THROTTLE_SLOWDOWN_AFTER``, then ``THROTTLE_SLOWDOWN_STEP_SECONDS`` more per
    failure, at most ``THROTTLE_SLOWDOWN_MAX_SECONDS``."""
    config = current_app.config
    beyond = failed - config["THROTTLE_SLOWDOWN_AFTER"] + 1
    if beyond <= 0:
        return 0.0
    return float(min(config["THROTTLE_SLOWDOWN_MAX_SECONDS"], beyond * config["THROTTLE_SLOWDOWN_STEP_SECONDS"]))


def slow_down(key: str, window: timedelta) -> float:
    """Wait as long as :func:`slowdown_seconds` asks for target ``key``; return the seconds waited."""
    seconds = slowdown_seconds(failures(key, window))
    if seconds:
        time.sleep(seconds)
    return seconds


def clear(key: str) -> None:
    """Forget the failures of ``key`` (after a success)."""
    row = db.session.get(LoginThrottle, key, populate_existing=True)
    if row is not None:
        db.session.delete(row)


@dataclass
class Attempt:
    """One try at a secret (a password, an access code) from one address against one target."""

    address: str  # the address's key, allowed ``per_address`` failures
    pair: str  # the (address, target) key, allowed ``per_pair`` failures
    target: str  # the target's key: its failures slow every attempt down, never lock
    per_address: int
    per_pair: int
    window: timedelta
    counted: bool = field(default=False, init=False)

    @classmethod
    def of(cls, scope: str, address: str | None, target: str, *, per_address: int, per_pair: int,
           window: timedelta) -> Attempt:
        """The attempt of ``scope`` (e.g. ``"track"``) from ``address`` against ``target``."""
        return cls(address_key(scope, address), pair_key(scope, address, target), target_key(scope, target),
                   per_address, per_pair, window)

    @property
    def limits(self) -> dict[str, int]:
        """The locking keys and their allowances."""
        return {self.address: self.per_address, self.pair: self.per_pair}

    def admit(self) -> int:
        """Count this attempt and commit the count; 0 when it may go on (after the target's
        slow-down), else the seconds its address remains refused. An attempt beyond a key's
        allowance locks that key and is refused without checking anything."""
        locked = seconds_locked(list(self.limits))
        if not locked:
            self.counted = True
            over = [key for key, allowed in self.limits.items()
                    if count_failure(key, self.window).failures > allowed]
            if over:
                _lock(over, self.window)
                locked = max(1, seconds_locked(over))
        db.session.commit()
        if not locked:
            slow_down(self.target, self.window)
        return locked

    def failed(self) -> Count:
        """The secret was wrong: the counted attempt stays a failure, every key that reached its
        allowance is locked, and the target's slow-down count grows (returned)."""
        _lock([key for key, allowed in self.limits.items() if failures(key, self.window) >= allowed],
              self.window)
        return count_failure(self.target, self.window)

    def succeeded(self) -> None:
        """The secret was right: the attempt is taken back from the address's count and the
        (address, target) count is forgotten."""
        if self.counted:
            db.session.execute(update(LoginThrottle)
                               .where(LoginThrottle.key == self.address, LoginThrottle.failures > 0)
                               .values(failures=LoginThrottle.failures - 1)
                               .execution_options(synchronize_session=False))
        clear(self.pair)


def _lock(keys: list[str], lock: timedelta) -> None:
    if keys:
        db.session.execute(update(LoginThrottle).where(LoginThrottle.key.in_(keys))
                           .values(locked_until=utcnow() + lock)
                           .execution_options(synchronize_session=False))
