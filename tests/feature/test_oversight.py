"""Supervisors see what is overdue and who holds it; the daily sweep marks and reminds once."""

from datetime import date, timedelta

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.audit.models import AuditEvent
from portal.core.timefmt import local_today
from portal.disclosure.services import file_request
from portal.extensions import db
from portal.matters.models import Matter
from portal.matters.services import new_submission_key
from portal.outbox.models import OutboxMessage
from tests.feature.test_requests import form_data
from tests.helpers import login


def file_on(app, day: date, assignee: str | None = None) -> str:
    with app.app_context():
        fields = {k: v for k, v in form_data().items() if k != "consent"} | {"org_kind": None}
        matter = file_request(fields, submission_key=new_submission_key(), attachment=None,
                              received_on=day).request.matter
        if assignee:
            matter.assignee_id = db.session.scalar(select(User.id).where(User.username == assignee))
        db.session.commit()
        return matter.tracking_no


def test_dashboard_lists_overdue_with_lateness_and_holder_and_due_soon(client, app, users):
    late = file_on(app, date(2026, 9, 25), assignee=users["staff"])  # due 2026-10-29
    fresh = file_on(app, local_today())
    soon = file_on(app, local_today() - timedelta(days=26))
    login(client, users["supervisor"])
    page = client.get("/staff/oversight/").get_data(as_text=True)
    days_late = (local_today() - date(2026, 10, 29)).days
    assert late in page and f"<strong class=\"error\">{days_late}</strong>" in page
    assert "户政民警" in page  # who holds it
    section = page.split('id="soon-heading"')[1].split("等待审批")[0]
    assert soon in section and late not in section
    assert fresh not in page  # due in 20 working days: nothing to act on yet
    staff = app.test_client()
    login(staff, users["staff"])
    assert staff.get("/staff/oversight/").status_code == 403


def test_trend_table_counts_received_and_closed_on_time(client, app, users):
    file_on(app, date(2026, 9, 25))
    file_on(app, date(2026, 9, 28))
    login(client, users["supervisor"])
    page = client.get("/staff/oversight/").get_data(as_text=True)
    assert '<th scope="row">2026-09</th><td data-label="收到">2</td>' in page
    assert "<svg" in page and 'role="img"' in page


def test_sweep_marks_overdue_once_and_queues_each_digest_once(app, users):
    number = file_on(app, date(2026, 9, 25), assignee=users["staff"])
    with app.app_context():
        db.session.get(User, db.session.scalar(select(User.id).where(
            User.username == users["staff"]))).email = "staff1@example.gov.cn"
        db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["deadlines", "sweep"])
    second = runner.invoke(args=["deadlines", "sweep"])
    assert first.exit_code == second.exit_code == 0
    assert "新增 1 件" in first.output and "新增 0 件" in second.output
    with app.app_context():
        assert db.session.scalar(select(Matter.overdue_since).where(
            Matter.tracking_no == number)) == date(2026, 10, 29)
        audits = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "matter.overdue"))
        assert audits == 1
        digests = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.subject.startswith("到期提醒"))).all()
        assert sorted(m.recipient for m in digests) == ["staff1@example.gov.cn", "super1@example.gov.cn"]
        assert all(number in m.body for m in digests)


def test_public_accountability_figures_are_computed_from_the_matters(client, app, users):
    from portal.disclosure.services import reply

    file_on(app, date(2026, 9, 25))  # open, overdue
    with app.app_context():
        fields = {k: v for k, v in form_data().items() if k != "consent"} | {"org_kind": None}
        answered = file_request(fields, submission_key=new_submission_key(), attachment=None,
                                received_on=date(2026, 9, 25)).request
        reply(answered, type_code="disclosed", sub_code="provided", text="见附件。", actor_id=None,
              supervisor_approved=True)
        # (09-25, 10-09] holds 5 working days: 09-27 (调休), 09-28..30, 10-09 (National Day off)
        answered.matter.closed_on = answered.reply_sent_on = date(2026, 10, 9)
        answered.rating = "satisfied"
        db.session.commit()
    page = client.get("/performance").get_data(as_text=True)
    row = page.split('id="perf-request"')[1].split("</tr>")[1]
    assert "政务公开办公室" in row
    for cell in ('data-label="收到">2<', 'data-label="已办结">1<', 'data-label="按时办结率">100%<',
                 'data-label="平均办理工作日">5.0<', 'data-label="满意度">100%<'):
        assert cell in row, cell
