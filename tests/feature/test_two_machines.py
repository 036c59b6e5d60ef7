"""Two machines, one database: each with its own instance folder (search replica, page cache,
job locks), sharing the PostgreSQL database and the secret key as production would.

A notice published or withdrawn on one machine is served and searched on the other within a
few seconds; a session made on one is valid on the other; periodic jobs started on both at once
run on one only.
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Department
from portal.audit.models import AuditCheckpoint
from portal.extensions import db
from portal.joblock import single_runner
from portal.notices.models import Notice
from portal.notices.services import publish_notice, save_notice, withdraw_notice
from tests.conftest import _settings
from tests.helpers import login

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

TITLE = "两台服务器同步测试公告"
WORD = "跨机同步演练"
WITHIN_SECONDS = 5.0
JOBS = {
    "deadlines-sweep": ["deadlines", "sweep"],
    "requests-close-lapsed": ["requests", "close-lapsed"],
    "audit-checkpoint": ["audit", "checkpoint"],
    "outbox-send": ["outbox", "send", "--once"],
}


@pytest.fixture
def other_machine(app, database_url, tmp_path, monkeypatch):
    """A second portal on the same database, with its own instance folder."""
    from portal import create_app

    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "machine-b"))
    machine = create_app(_settings(database_url))
    assert machine.instance_path != app.instance_path
    yield machine
    with machine.app_context():
        db.session.remove()
        db.engine.dispose()


def eventually(check, seconds: float = WITHIN_SECONDS) -> float:
    """Seconds until ``check()`` holds; fails when it does not within ``seconds``."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > seconds:
            pytest.fail(f"not seen on the other machine within {seconds:g} s")
        time.sleep(0.1)
    return time.monotonic() - started


def shows(client, path: str, text: str) -> bool:
    """True when the page at ``path`` shows ``text``."""
    page = client.get(path)
    assert page.status_code == 200
    return text in page.get_data(as_text=True)


def searched(client, notice_id: int) -> tuple[bool, bool]:
    """Whether the search page and the search API of ``client`` find the notice."""
    page = f'href="/notices/{notice_id}"' in client.get("/search", query_string={"q": WORD}).get_data(as_text=True)
    api = client.get("/api/v1/search", query_string={"q": WORD}).get_json()
    return page, any(hit["title"] == TITLE for hit in api["results"])


def found(client, notice_id: int) -> bool:
    """True when both the search page and the search API find the notice."""
    return searched(client, notice_id) == (True, True)


def not_found(client, notice_id: int) -> bool:
    """True when neither the search page nor the search API finds the notice."""
    return searched(client, notice_id) == (False, False)


def db_max_notice_id(app) -> int | None:
    """The highest notice id so far."""
    with app.app_context():
        return db.session.scalar(select(func.max(Notice.id)))


def test_a_notice_published_or_withdrawn_on_one_machine_shows_on_the_other(app, other_machine):
    visitor = other_machine.test_client()
    # Machine B has served and cached the notice list and searched before the change.
    assert not shows(visitor, "/notices/", TITLE)
    assert visitor.get("/notices/").headers["X-Page-Cache"] == "hit"
    next_id = 1 + (db_max_notice_id(app) or 0)
    assert not_found(visitor, next_id)

    with app.app_context():
        department = db.session.scalar(select(Department.id).where(Department.code == "huzheng"))
        notice = save_notice(None, title=TITLE, kind="通知公告", body_md=f"请关注{WORD}的安排。",
                             department_id=department, review_due_on=None, author_id=None)
        publish_notice(notice, author_id=None)
        db.session.commit()
        notice_id = notice.id
    assert notice_id == next_id
    eventually(lambda: shows(visitor, "/notices/", TITLE))
    assert shows(visitor, f"/notices/{notice_id}", TITLE)
    eventually(lambda: found(visitor, notice_id))

    with app.app_context():
        withdraw_notice(db.session.get(Notice, notice_id), author_id=None)
        db.session.commit()
    eventually(lambda: not shows(visitor, "/notices/", TITLE))
    assert visitor.get(f"/notices/{notice_id}").status_code == 404
    eventually(lambda: not_found(visitor, notice_id))


def test_a_session_made_on_one_machine_is_valid_on_the_other(app, other_machine, users):
    on_a = app.test_client()
    login(on_a, users["staff"])
    cookie = on_a.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    assert cookie is not None
    on_b = other_machine.test_client()
    assert on_b.get("/staff/").status_code == 302  # nobody signed in yet
    on_b.set_cookie(cookie.key, cookie.value)
    page = on_b.get("/staff/")
    assert page.status_code == 200
    assert "户政民警" in page.get_data(as_text=True)


@pytest.mark.parametrize("job", sorted(JOBS))
def test_a_job_running_on_one_machine_is_skipped_on_the_other(app, other_machine, job):
    with app.app_context(), single_runner(job) as mine:
        assert mine
        with other_machine.app_context():
            before = db.session.scalar(select(func.count()).select_from(AuditCheckpoint))
        result = other_machine.test_cli_runner().invoke(args=JOBS[job])
        assert result.exit_code == 0, result.output
        assert "本次跳过" in result.output
        with other_machine.app_context():
            assert db.session.scalar(select(func.count()).select_from(AuditCheckpoint)) == before
    result = other_machine.test_cli_runner().invoke(args=JOBS[job])  # the lock is free again
    assert "本次跳过" not in result.output


def test_jobs_started_on_both_machines_at_once_run_once(app, other_machine):
    runs: list[str] = []
    start = threading.Barrier(2)

    def machine(portal, name: str) -> None:
        with portal.app_context():
            start.wait()
            with single_runner("audit-checkpoint") as mine:
                if mine:
                    runs.append(name)
                    time.sleep(0.5)  # still running when the other machine asks

    threads = [threading.Thread(target=machine, args=(portal, name))
               for portal, name in ((app, "a"), (other_machine, "b"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(runs) == 1


def test_the_audit_checkpoint_run_on_both_machines_is_recorded_once(app, other_machine):
    outputs = [portal.test_cli_runner().invoke(args=JOBS["audit-checkpoint"]).output
               for portal in (app, other_machine)]
    assert "已记录" in outputs[0] and "今日已有检查点" in outputs[1]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditCheckpoint)) == 1

