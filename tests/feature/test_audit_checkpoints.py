"""Daily checkpoints: recorded once a day by ``portal audit checkpoint`` (even from two machines
at once), refused over a broken chain, published on a public page and feed without personal data,
and kept in backups."""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from portal.audit import checkpoints as checkpoint_service
from portal.audit.checkpoints import take_checkpoint
from portal.audit.models import AuditCheckpoint, AuditEvent
from portal.audit.services import record
from portal.backup.services import tables
from portal.extensions import db

ATOM = "{http://www.w3.org/2005/Atom}"
MOBILE = "13912345678"
PRIVATE_NAME = "欧阳娜娜"

pytestmark = pytest.mark.usefixtures("pinned_today")


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditCheckpoint))


def test_checkpoint_command_is_idempotent_per_day(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["audit", "checkpoint"])
    second = runner.invoke(args=["audit", "checkpoint"])
    assert first.exit_code == 0 and "已记录" in first.output
    assert second.exit_code == 0 and "今日已有检查点" in second.output
    with app.app_context():
        checkpoint = db.session.scalar(select(AuditCheckpoint))
        head = db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
        assert (checkpoint.seq, checkpoint.head_hash) == (head.seq, head.hash)
        assert checkpoint.row_count == db.session.scalar(select(func.count()).select_from(AuditEvent))
    line = f"{checkpoint.seq}:{checkpoint.head_hash}"
    assert line in first.output.splitlines() and line in second.output.splitlines()
    assert _count(app) == 1
    verified = runner.invoke(args=["audit", "verify", "--checkpoint", line])
    assert verified.exit_code == 0 and "审计日志完整" in verified.output


def test_no_checkpoint_vouches_for_a_broken_chain(app):
    with app.app_context():
        db.session.execute(update(AuditEvent).where(AuditEvent.seq == 1).values(action="nothing"))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 1 and "未记录检查点" in result.output and "seq 1: modified" in result.output
    assert _count(app) == 0


def test_a_machine_that_loses_the_race_reports_the_winners_checkpoint(app, pinned_today, monkeypatch):
    """The other machine inserts between this one's look and its INSERT: the unique day decides."""
    with app.app_context():
        other = take_checkpoint(pinned_today).checkpoint
        winner = (other.seq, other.head_hash, other.id)
        record("test.event", user_id=None)  # this machine would see a longer chain
        db.session.commit()
        real = checkpoint_service.checkpoint_of
        looks = []

        def first_look_misses(day):
            looks.append(day)
            return None if len(looks) == 1 else real(day)

        monkeypatch.setattr(checkpoint_service, "checkpoint_of", first_look_misses)
        outcome = take_checkpoint(pinned_today)
        assert not outcome.created
        assert (outcome.checkpoint.seq, outcome.checkpoint.head_hash, outcome.checkpoint.id) == winner
    assert _count(app) == 1


def test_concurrent_runs_record_one_checkpoint(app, pinned_today):
    results, errors = [], []
    start = threading.Barrier(4)

    def run() -> None:
        try:
            with app.app_context():
                start.wait()
                outcome = take_checkpoint(pinned_today)
                results.append((outcome.created, outcome.checkpoint.head_hash))
                db.session.remove()
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(created for created, _hash in results) == 1
    assert len({digest for _created, digest in results}) == 1
    assert _count(app) == 1


def _publish_three_days(app, today) -> list[AuditCheckpoint]:
    with app.app_context():
        made = []
        for back in (2, 1, 0):
            record("personal_data.view", user_id=None, target_type="Matter", target_id="GK-2026-000001",
                   detail={"fields": ["phone"], "note": f"{PRIVATE_NAME} {MOBILE}"})
            db.session.commit()
            checkpoint = take_checkpoint(today - timedelta(days=back)).checkpoint
            made.append((checkpoint.day, checkpoint.seq, checkpoint.head_hash, checkpoint.row_count))
        return made


def test_public_page_lists_checkpoints_without_personal_data(app, client, pinned_today):
    made = _publish_three_days(app, pinned_today)
    response = client.get("/audit/checkpoints")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "审计日志检查点" in page
    assert "首页" in page and "办事指南" in page  # the site layout
    for day, seq, digest, rows in made:
        assert f"{seq}:{digest}" in page and day.isoformat() in page and f">{rows}<" in page
    assert page.index(made[2][2]) < page.index(made[0][2])  # newest first
    for private in (MOBILE, PRIVATE_NAME, "GK-2026-000001", "personal_data.view"):
        assert private not in page


def test_atom_feed_has_one_entry_per_checkpoint(app, client, pinned_today):
    made = _publish_three_days(app, pinned_today)
    response = client.get("/audit/checkpoints.xml")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    body = response.get_data(as_text=True)
    feed = ET.fromstring(response.data)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 3
    assert made[2][0].isoformat() in entries[0].find(f"{ATOM}title").text
    for _day, seq, digest, _rows in made:
        assert f"{seq}:{digest}" in body
    for private in (MOBILE, PRIVATE_NAME, "GK-2026-000001"):
        assert private not in body


def test_empty_page_and_feed(client):
    assert "暂无检查点" in client.get("/audit/checkpoints").get_data(as_text=True)
    feed = ET.fromstring(client.get("/audit/checkpoints.xml").data)
    assert feed.findall(f"{ATOM}entry") == []


def test_backups_keep_the_checkpoints(app):
    with app.app_context():
        assert "audit_checkpoints" in {table.name for table in tables()}
