"""Submitting under contention: a busy database, a double post at the same instant."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import date

import pytest
from psycopg import errors as psycopg_errors
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from portal.extensions import db
from portal.matters import submission
from portal.matters.models import Matter
from tests.feature.test_requests import form_data, receipt_of, submit


def _fields(description: str) -> dict:
    fields = {k: v for k, v in form_data().items() if k != "consent"}
    return fields | {"description": description, "org_kind": None}


def test_the_same_form_posted_twice_at_once_gives_one_request_and_one_receipt(app, monkeypatch):
    """Both posts pass the "already stored?" check before either commits; one stores, the other
    meets the unique submission key and answers with the first one's receipt."""
    from portal.disclosure.services import file_request

    both_checked = threading.Barrier(2, timeout=10)
    lookup = submission.matter_by_submission
    first_look: set[int] = set()

    def look_then_wait(key: str):
        found = lookup(key)
        if threading.get_ident() not in first_look:
            first_look.add(threading.get_ident())
            both_checked.wait()
        return found

    monkeypatch.setattr(submission, "matter_by_submission", look_then_wait)
    outcomes, errors = [], []

    def post() -> None:
        with app.app_context():
            try:
                filed = file_request(_fields("请公开本局2025年度行政处罚统计数据"), submission_key="same-form",
                                     attachment=None, received_on=date(2026, 11, 2))
                outcomes.append((filed.request.matter.tracking_no, filed.access_code))
            except Exception as exc:
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(outcomes) == 2 and outcomes[0] == outcomes[1]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Matter)) == 1
        assert db.session.scalar(select(Matter.tracking_no)) == outcomes[0][0]


@pytest.fixture
def sqlite_app(app):
    """The app on the embedded SQLite default, with short waits for a busy database."""
    app.config.update(SQLITE_BUSY_TIMEOUT=0.1, SUBMIT_RETRY_SECONDS=0.5)
    with app.app_context():
        db.engine.dispose()  # connections made from now on wait 0.1 s
    return app


EMBEDDED = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _database_file(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")


@EMBEDDED
def test_the_embedded_database_runs_in_wal_mode_with_a_busy_timeout(sqlite_app):
    with sqlite_app.app_context():
        assert db.session.scalar(text("PRAGMA journal_mode")) == "wal"
        assert db.session.scalar(text("PRAGMA busy_timeout")) == 100


@EMBEDDED
def test_a_database_locked_for_too_long_answers_503_in_chinese_then_the_retry_succeeds(sqlite_app):
    client = sqlite_app.test_client()
    blocker = sqlite3.connect(_database_file(sqlite_app), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the database
    try:
        response, _data = submit(client)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    body = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "系统繁忙，请稍后再试" in body and response.headers["Retry-After"].isdigit()
    retried, _data = submit(client)
    assert retried.status_code == 200
    number, _code = receipt_of(retried)
    with sqlite_app.app_context():
        assert db.session.scalar(select(Matter.tracking_no)) == number


@EMBEDDED
def test_a_write_that_meets_a_short_lock_is_retried_and_stored(sqlite_app):
    sqlite_app.config["SUBMIT_RETRY_SECONDS"] = 10
    client = sqlite_app.test_client()
    blocker = sqlite3.connect(_database_file(sqlite_app), isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.8, lambda: blocker.execute("ROLLBACK"))
    release.start()
    try:
        response, _data = submit(client)
    finally:
        release.join()
        blocker.close()
    assert response.status_code == 200
    receipt_of(response)


def _raising(error: Exception):
    def view():
        raise OperationalError("UPDATE tracking_counters ...", {}, error)

    return view


@pytest.mark.parametrize("error", [
    sqlite3.OperationalError("database is locked"),
    psycopg_errors.SerializationFailure("could not serialize access"),
    psycopg_errors.DeadlockDetected("deadlock detected"),
    psycopg_errors.LockNotAvailable("could not obtain lock"),
], ids=["sqlite-locked", "pg-serialization", "pg-deadlock", "pg-lock"])
@EMBEDDED
def test_a_busy_database_anywhere_answers_503_not_500(app, error):
    app.add_url_rule("/busy-probe", "busy_probe", _raising(error))
    response = app.test_client().get("/busy-probe")
    assert response.status_code == 503 and response.headers["Retry-After"].isdigit()
    assert "系统繁忙，请稍后再试" in response.get_data(as_text=True)


@EMBEDDED
def test_a_broken_query_is_still_a_500(app):
    app.add_url_rule("/broken-probe", "broken_probe", _raising(sqlite3.OperationalError("no such table: x")))
    response = app.test_client().get("/broken-probe")
    assert response.status_code == 500 and "Retry-After" not in response.headers


def test_slow_access_code_hashes_do_not_queue_behind_the_tracking_number(app, monkeypatch):
    """Six submissions whose hash takes 1 s each finish in far less than 6 × 1 s: the hash is
    computed before the number's counter is locked, so the hashes run side by side."""
    from portal.disclosure.services import file_request
    from portal.matters import services

    hash_seconds = 1.0  # long beside the rest of a submission, even on a loaded machine
    real_hash = submission.generate_password_hash

    def slow_hash(code: str, method: str) -> str:
        time.sleep(hash_seconds)
        return real_hash(code, method)

    monkeypatch.setattr(submission, "generate_password_hash", slow_hash)
    monkeypatch.setattr(services, "generate_password_hash", slow_hash)
    errors = []

    def post(index: int) -> None:
        with app.app_context():
            try:
                file_request(_fields(f"请公开第{index}号统计数据"), submission_key=f"form-{index}",
                             attachment=None, received_on=date(2026, 11, 2))
            except Exception as exc:
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(6)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    assert errors == []
    assert elapsed < 4 * hash_seconds, f"6 submissions took {elapsed:.2f} s"
    with app.app_context():
        numbers = sorted(db.session.scalars(select(Matter.tracking_no)))
    assert numbers == [f"GK-2026-{n:06d}" for n in range(1, 7)]
