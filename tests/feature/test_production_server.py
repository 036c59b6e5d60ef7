"""The production server under load and faults, on PostgreSQL and on the embedded SQLite default.

README's command (``SERVER_COMMAND``) serves an instance set up with ``portal init``. A first wave
of 100 citizens at once fetches the forms and files requests and complaints with an attachment; a
second wave does the same while a worker, then the master with its workers, are killed with
``kill -9``, and the server is started again. A citizen whose post got no answer, or a 503, posts
the same form again, as they would by pressing 提交 once more.

Then: no 5xx other than 503 was ever answered; every receipt shown exists with its access code;
the numbers are unique and gap-free; every submission is whole (its request or complaint row, its
attachment, its received event); ``portal audit verify`` passes; a notice published after the
restart is found by search.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from portal.extensions import db
from tests.server_harness import Outcome, Server, fetch, portal, portal_env, postgres_or_skip, submit

CLIENTS = 100


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """The embedded default (a SQLite file in the instance folder) or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'instance' / 'portal.db'}"
        return
    with postgres_or_skip() as url:
        yield url


def _wave(port: int, offset: int) -> list[Outcome]:
    with ThreadPoolExecutor(CLIENTS) as pool:
        return list(pool.map(lambda i: submit(port, "request" if i % 2 else "complaint", i),
                             range(offset, offset + CLIENTS)))


def _kill_during(server: Server, after: float) -> threading.Thread:
    """kill -9 one worker, then the master and its workers, then start the server again."""

    def faults() -> None:
        time.sleep(after)
        os.kill(server.workers()[0], signal.SIGKILL)
        time.sleep(after)
        master = server.process.pid
        workers = server.workers()
        os.kill(master, signal.SIGKILL)
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        server.process.wait()
        server.start()

    thread = threading.Thread(target=faults)
    thread.start()
    return thread


def _numbers(app) -> set[str]:
    from portal.matters.models import Matter

    with app.app_context():
        return set(db.session.scalars(select(Matter.tracking_no)))


def _check_database(app, receipts: list[tuple[str, str]], before: set[str]) -> None:
    from portal.complaints.models import Complaint
    from portal.disclosure.models import DisclosureRequest
    from portal.matters.models import Attachment, Matter, MatterEvent

    with app.app_context():
        matters = {m.tracking_no: m for m in db.session.scalars(select(Matter))}
        assert sorted(set(matters) - before) == sorted(number for number, _code in receipts)
        for prefix in ("GK", "TS"):
            numbers = sorted(int(n.rsplit("-", 1)[1]) for n in matters if n.startswith(prefix))
            assert numbers == list(range(1, len(numbers) + 1)), f"{prefix} numbers have gaps"
        for number, code in receipts:
            assert check_password_hash(matters[number].access_code_hash, code), number
        for matter in (m for m in matters.values() if m.kind in ("request", "complaint")):
            model = DisclosureRequest if matter.kind == "request" else Complaint
            assert db.session.get(model, matter.id) is not None, f"{matter.tracking_no} has no {model.__name__}"
            attachments = db.session.scalar(select(func.count()).select_from(Attachment)
                                            .where(Attachment.matter_id == matter.id))
            assert attachments == (matter.tracking_no not in before), f"{matter.tracking_no} lost its file"
            assert db.session.scalar(select(func.count()).select_from(MatterEvent).where(
                MatterEvent.matter_id == matter.id, MatterEvent.kind == "received")) == 1


def _publish_notice(app, word: str) -> None:
    from portal.accounts.models import Department, User
    from portal.notices.services import publish_notice, save_notice

    with app.app_context():
        author = db.session.scalars(select(User)).first()
        department = db.session.scalars(select(Department)).first()
        notice = save_notice(None, title=f"重启后发布的通知{word}", kind="通知公告", body_md=f"关于{word}的说明。",
                             department_id=department.id, review_due_on=None, author_id=author.id)
        db.session.flush()
        publish_notice(notice, author_id=author.id)
        db.session.commit()


def test_submissions_survive_load_and_killed_processes(database_url, tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    env = portal_env(instance, database_url)
    portal(env, "init", "--demo")
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("DATABASE_URL", database_url)
    from portal import create_app

    app = create_app()
    before = _numbers(app)  # the demo's matters
    server = Server(env, tmp_path / "gunicorn.log")
    server.start()
    try:
        outcomes = _wave(server.port, 0)
        faults = _kill_during(server, after=1.0)
        outcomes += _wave(server.port, CLIENTS)
        faults.join()
        answers = [status for outcome in outcomes for status in outcome.statuses]
        assert 0 in answers, "the processes were killed while nobody was waiting"
        assert [s for s in answers if s >= 500 and s != 503] == [], server.log()
        receipts = [outcome.receipt for outcome in outcomes]
        assert None not in receipts, server.log()
        assert len(set(receipts)) == 2 * CLIENTS
        _check_database(app, receipts, before)
        assert "审计日志完整" in portal(env, "audit", "verify").stdout  # exits 1 on a broken chain
        word = f"验证词{uuid.uuid4().hex[:6]}"
        _publish_notice(app, word)
        deadline = time.monotonic() + 20
        while word not in fetch(server.port, f"/search?q={quote(word)}")[2].decode():
            assert time.monotonic() < deadline, "the notice published after the restart is not found"
            time.sleep(0.5)
        with app.app_context():
            db.engine.dispose()
    finally:
        server.stop()


def test_the_readme_gives_the_server_command_the_portal_defines():
    from portal.config import SERVER_COMMAND

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert " ".join(SERVER_COMMAND) in readme.replace(".venv/bin/", "")
