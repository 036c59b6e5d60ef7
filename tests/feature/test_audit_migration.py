"""Upgrading an installation whose audit chain was plain SHA-256: it verifies after the upgrade,
and a row altered before the upgrade is still reported (the upgrade does not launder it)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import insert, text

from portal import MIGRATIONS_DIR, create_app
from portal.audit.chain import verify
from portal.audit.models import AuditChainHead, AuditEvent
from portal.extensions import db
from tests.conftest import TEST_AUDIT_KEY

BEFORE = "6aeb352febb8"


def _plain_chain(count: int) -> list[dict]:
    """Rows as the portal wrote them before the chain was keyed (plain SHA-256)."""
    rows, prev = [], "0" * 64
    for seq in range(1, count + 1):
        row = {"seq": seq, "prev_hash": prev, "created_at": datetime(2026, 11, 1, 8, 0, seq),
               "user_id": None, "action": "guide.save", "target_type": "Guide",
               "target_id": str(seq), "remote_addr": "cli", "detail": {"n": seq, "名": "指南"}}
        payload = json.dumps(
            {"seq": seq, "prev": prev, "at": row["created_at"].isoformat(timespec="microseconds"),
             "user": None, "action": row["action"], "type": row["target_type"],
             "target": row["target_id"], "addr": "cli", "detail": row["detail"]},
            ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
        row["hash"] = prev = hashlib.sha256(payload.encode()).hexdigest()
        rows.append(row)
    return rows


@pytest.fixture
def old_install(database_url, tmp_path, monkeypatch):
    """An app whose database stands at the revision before the keyed chain, with 5 plain rows."""
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "t",
                      "AUDIT_KEY": TEST_AUDIT_KEY})
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR, revision=BEFORE)
        rows = _plain_chain(5)
        db.session.execute(insert(AuditEvent.__table__), rows)
        db.session.execute(insert(AuditChainHead.__table__).values(id=1, seq=5, hash=rows[-1]["hash"]))
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_an_upgraded_chain_verifies_under_the_key_and_downgrades_back(old_install):
    with old_install.app_context():
        upgrade(directory=MIGRATIONS_DIR)
        verdict = verify()
        assert verdict.ok and verdict.checked == 5
        head = db.session.get(AuditChainHead, 1)
        assert head.hash == verdict.head_hash != _plain_chain(5)[-1]["hash"]
        db.session.commit()
        downgrade(directory=MIGRATIONS_DIR, revision=BEFORE)
        stored = [r.hash for r in db.session.execute(text("SELECT hash FROM audit_events ORDER BY seq"))]
        assert stored == [r["hash"] for r in _plain_chain(5)]


def test_a_row_altered_before_the_upgrade_is_still_reported(old_install):
    with old_install.app_context():
        db.session.execute(text("UPDATE audit_events SET action = 'nothing' WHERE seq = 3"))
        db.session.commit()
        upgrade(directory=MIGRATIONS_DIR)
        verdict = verify()
        assert (verdict.broken_at, verdict.kind) == (3, "modified")
