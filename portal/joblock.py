"""One runner at a time for periodic jobs, across every process and machine.

Cron on each machine may start the deadline sweep, the closing of lapsed requests, the audit
checkpoint and the outbox sender at the same moment. :func:`single_runner` lets one of them work
and tells the others to skip: on PostgreSQL with a session-level advisory lock (held by its own
connection, so every machine sharing the database sees it), on SQLite with an exclusive file
lock under ``instance/locks/`` (SQLite is shared only by the processes of one machine).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import func, select

from portal.extensions import db

SKIPPED = "另一进程（可能在另一台服务器上）正在执行“{name}”，本次跳过。"


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (PostgreSQL advisory locks take a bigint)."""
    return int.from_bytes(hashlib.blake2b(f"portal-job:{name}".encode(), digest_size=8).digest(),
                          "big", signed=True)


@contextlib.contextmanager
def _advisory_lock(name: str) -> Iterator[bool]:
    key = lock_key(name)
    with db.engine.connect() as conn:
        acquired = bool(conn.scalar(select(func.pg_try_advisory_lock(key))))
        conn.commit()
        try:
            yield acquired
        finally:
            if acquired:
                conn.scalar(select(func.pg_advisory_unlock(key)))
                conn.commit()


@contextlib.contextmanager
def _file_lock(name: str) -> Iterator[bool]:
    folder = Path(current_app.instance_path) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{name}.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def single_runner(name: str) -> Iterator[bool]:
    """Yield True when this process may run job ``name`` now, False when another one runs it.

    The lock is held until the block ends; nothing waits for it.
    """
    locking = _advisory_lock if db.engine.dialect.name == "postgresql" else _file_lock
    with locking(name) as acquired:
        yield acquired


def skipped(name: str) -> None:
    """Say on standard error that job ``name`` was left to the process already running it."""
    click.echo(SKIPPED.format(name=name), err=True)


def one_runner_at_a_time(name: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    """Decorate the command of job ``name`` (e.g. "deadlines sweep", locked as "deadlines-sweep"):
    it runs under :func:`single_runner`, and says it skipped when another process holds the lock."""

    def decorate(command: Callable[[], None]) -> Callable[[], None]:
        @functools.wraps(command)
        def locked() -> None:
            with single_runner(name.replace(" ", "-")) as mine:
                if not mine:
                    skipped(name)
                    return
                command()

        return locked

    return decorate
