"""A busy database is retried for a bounded time, then answered with 503 and ``Retry-After``.

SQLite serialises writers: a write that meets another for longer than the busy timeout fails
with "database is locked". PostgreSQL may refuse a transaction on a serialization failure, a
deadlock or a lock it could not take. None of these is the citizen's fault or a bug: the write is
tried again (:func:`with_retry`) for up to ``SUBMIT_RETRY_SECONDS``, and if the database is still
busy the citizen is told so in plain Chinese with a 503, never a 500.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, render_template, request
from sqlalchemy.exc import DBAPIError

from portal.extensions import db
from portal.web.errors import ERROR_MESSAGES

log = logging.getLogger(__name__)

T = TypeVar("T")
BUSY_TITLE = "系统繁忙，请稍后再试"
BUSY_MESSAGE = "系统繁忙，请稍后再试。您填写的内容尚未提交成功，请稍候片刻后重新提交。"
RETRY_AFTER_SECONDS = 5
SQLITE_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
# serialization_failure, deadlock_detected, lock_not_available
POSTGRES_BUSY_STATES = {"40001", "40P01", "55P03"}


class DatabaseBusy(Exception):
    """The database stayed busy for longer than the write may wait."""


def is_busy(exc: BaseException) -> bool:
    """True when ``exc`` says the database was busy (locked, serialization, deadlock), not broken."""
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    if isinstance(original, sqlite3.Error):
        code = getattr(original, "sqlite_errorcode", None)
        if code is not None:
            return code & 0xFF in SQLITE_BUSY_CODES
        return "locked" in str(original) or "busy" in str(original)
    return getattr(original, "sqlstate", None) in POSTGRES_BUSY_STATES


def with_retry(work: Callable[[], T], *, seconds: float | None = None) -> T:
    """Run ``work`` (a whole transaction, committed inside it) until it meets no busy database.

    Each busy attempt is rolled back and tried again after a short, growing, jittered pause; when
    ``seconds`` (default ``SUBMIT_RETRY_SECONDS``) have passed, :class:`DatabaseBusy` is raised.
    """
    limit = current_app.config.get("SUBMIT_RETRY_SECONDS", 10) if seconds is None else seconds
    deadline = time.monotonic() + limit
    pause = 0.02
    while True:
        try:
            return work()
        except DBAPIError as exc:
            db.session.rollback()
            if not is_busy(exc):
                raise
            if time.monotonic() + pause > deadline:
                raise DatabaseBusy from exc
        time.sleep(pause * random.uniform(0.5, 1.5))  # noqa: S311 (jitter, not a secret)
        pause = min(pause * 2, 0.5)


def busy_page() -> tuple[str, int, dict[str, str]]:
    """The 503 page: the database is busy, try again shortly."""
    return (render_template("errors/error.html", code=503, title=BUSY_TITLE, message=BUSY_MESSAGE),
            503, {"Retry-After": str(RETRY_AFTER_SECONDS)})


def install_busy_handlers(app: Flask) -> None:
    """Answer a busy database with :func:`busy_page` wherever it surfaces."""

    @app.errorhandler(DatabaseBusy)
    def database_busy(_exc: DatabaseBusy):
        db.session.rollback()
        return busy_page()

    @app.errorhandler(DBAPIError)
    def database_error(exc: DBAPIError):
        db.session.rollback()
        if is_busy(exc):
            log.warning("database busy: %s", exc.orig)
            return busy_page()
        log.exception("Database error on %s %s", request.method, request.path)
        title, message = ERROR_MESSAGES[500]
        return render_template("errors/error.html", code=500, title=title, message=message), 500
