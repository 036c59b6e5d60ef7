"""The portal command: init upgrades through migrations, loads content, creates demo accounts."""

from pathlib import Path

from sqlalchemy import func, inspect, select

from portal import create_app
from portal.catalog.models import Guide
from portal.extensions import db
from tests.conftest import CONTENT_DIR
from tests.helpers import login


def test_init_demo_then_login_with_the_printed_password(database_url, tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(instance))
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "CONTENT_DIR": str(CONTENT_DIR),
                      "TESTING": True})
    runner = app.test_cli_runner()
    result = runner.invoke(args=["init", "--demo"])
    assert result.exit_code == 0, result.output
    assert "演示账号" in result.output
    with app.app_context():
        assert "alembic_version" in inspect(db.engine).get_table_names()  # migrations, not create_all
        assert db.session.scalar(select(func.count(Guide.id))) >= 15
    accounts = (Path(instance) / "demo-accounts.txt").read_text(encoding="utf-8").splitlines()
    roles = {line.split("\t")[0]: line.split("\t")[1] for line in accounts}
    assert set(roles) == {"staff", "supervisor", "admin"}
    assert roles["staff"] in result.output
    client = app.test_client()
    assert login(client, "staff", roles["staff"]).status_code == 302
    # Running init again is harmless and keeps the same accounts.
    again = runner.invoke(args=["init", "--demo"])
    assert again.exit_code == 0 and "本次变更 0 项" in again.output
    assert (Path(instance) / "demo-accounts.txt").read_text(encoding="utf-8").splitlines() == accounts
    assert (Path(instance) / "secret_key").exists()
    with app.app_context():
        db.engine.dispose()


def test_load_content_reports_bad_file_and_exits_nonzero(make_app, tmp_path):
    bad = tmp_path / "content"
    (bad / "guides").mkdir(parents=True)
    (bad / "notices").mkdir()
    (bad / "site.yaml").write_text((CONTENT_DIR / "site.yaml").read_text(encoding="utf-8"),
                                   encoding="utf-8")
    (bad / "guides" / "broken.md").write_text("---\nslug: broken\ntitle: 坏文件\n---\n正文",
                                              encoding="utf-8")
    app = make_app(CONTENT_DIR=str(bad))
    result = app.test_cli_runner().invoke(args=["load-content"])
    assert result.exit_code == 1
    assert "guides/broken.md" in result.output and "category" in result.output
