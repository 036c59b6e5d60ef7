"""The audit log: every change is in it, chained by hashes; tampering is detected."""

from sqlalchemy import delete, select, update

from portal.audit.chain import verify
from portal.audit.models import AuditEvent
from portal.extensions import db
from tests.helpers import login


def actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def test_logins_failures_and_changes_are_recorded_in_a_valid_chain(client, app, users):
    login(client, users["staff"], "wrong-password")
    login(client, users["staff"])
    recorded = actions(app)
    assert "login.failed" in recorded and "login" in recorded and "guide.save" in recorded
    with app.app_context():
        assert verify().ok
        seqs = list(db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)))
        assert seqs == list(range(1, len(seqs) + 1))


def test_an_altered_row_is_reported_with_its_position(app, users):
    with app.app_context():
        db.session.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(action="nothing"))
        db.session.commit()
        verdict = verify()
        assert not verdict.ok and verdict.broken_at == 3 and "被修改" in verdict.problem
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "第 3 条" in result.output


def test_a_removed_row_is_reported(app, users):
    with app.app_context():
        db.session.execute(delete(AuditEvent).where(AuditEvent.seq == 2))
        db.session.commit()
        verdict = verify()
        assert not verdict.ok and verdict.broken_at == 2 and "缺失" in verdict.problem


def test_removing_the_newest_rows_is_noticed_too(app, users):
    with app.app_context():
        last = db.session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()))
        db.session.execute(delete(AuditEvent).where(AuditEvent.seq == last))
        db.session.commit()
        assert not verify().ok


def test_cli_reports_an_intact_log(app, users):
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "审计日志完整" in result.output


def test_supervisor_searches_the_log_and_checks_the_chain(client, app, users):
    login(client, users["supervisor"])
    page = client.get("/staff/audit/?action=login&verify=1").get_data(as_text=True)
    assert "哈希链全部有效" in page and "login" in page
    page = client.get(f"/staff/audit/?user={users['supervisor']}").get_data(as_text=True)
    assert users["supervisor"] in page
    staff = app.test_client()
    login(staff, users["staff"])
    assert staff.get("/staff/audit/").status_code == 403


def test_concurrent_writers_never_fork_the_chain(app, users):
    import threading

    from portal.audit.services import record

    errors = []

    def writer(index: int) -> None:
        try:
            with app.app_context():
                for step in range(5):
                    record("test.concurrent", user_id=None, target_id=f"{index}-{step}")
                    db.session.commit()
                db.session.remove()
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with app.app_context():
        assert verify().ok
        assert len(list(db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "test.concurrent")))) == 30
