"""The audit chain's key lives outside the database: ``AUDIT_KEY``, else ``instance/audit_key``."""

from __future__ import annotations

import contextlib

from portal import create_app
from portal.audit.chain import verify
from portal.audit.services import record
from portal.extensions import db


@contextlib.contextmanager
def _app_context(database_url: str, instance, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(instance))
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "t"})
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def test_without_audit_key_a_private_key_file_is_made_and_kept(database_url, tmp_path, monkeypatch):
    monkeypatch.delenv("AUDIT_KEY", raising=False)
    with _app_context(database_url, tmp_path / "instance", monkeypatch):
        db.create_all()
        record("test.event", user_id=None)
        db.session.commit()
    key_file = tmp_path / "instance" / "audit_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(key_file.read_text().strip()) == 64

    with _app_context(database_url, tmp_path / "instance", monkeypatch):  # restarted: same key
        assert verify().ok
    with _app_context(database_url, tmp_path / "elsewhere", monkeypatch):  # a new key file
        verdict = verify()
        assert (verdict.broken_at, verdict.kind) == (1, "modified")
    monkeypatch.setenv("AUDIT_KEY", key_file.read_text().strip())  # the key carried along
    with _app_context(database_url, tmp_path / "elsewhere", monkeypatch):
        assert verify().ok
