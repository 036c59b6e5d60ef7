"""Supervisors see what is overdue and who holds it; the daily sweep marks and reminds once.

The fixed 2026 dates below must fall within "the last 12 months" of today: the clock is pinned.
"""

from datetime import date, timedelta

import pytest
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

pytestmark = pytest.mark.usefixtures("pinned_today")


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


def overdue_numbers_in(page: str) -> list[str]:
    """Tracking numbers of the overdue table, in the order shown."""
    import re

    table = page.split('id="late-heading"')[1].split("</table>")[0] if 'id="late-heading"' in page else page
    return re.findall(r">((?:GK|TS)-\d{4}-\d{6})</a>", table)


def test_overdue_list_is_bounded_on_the_dashboard_and_paginated_by_lateness(client, app, users, monkeypatch):
    from portal.oversight import views

    monkeypatch.setattr(views, "DASHBOARD_ROWS", 2)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    days = [date(2026, 9, 1), date(2026, 9, 25), date(2026, 8, 3), date(2026, 9, 10), date(2026, 7, 1)]
    unassigned = {date(2026, 8, 3), date(2026, 9, 10)}
    numbers = {day: file_on(app, day, assignee=None if day in unassigned else users["staff"]) for day in days}
    by_lateness = [numbers[d] for d in sorted(days)]  # received earliest = due earliest = most late
    login(client, users["supervisor"])
    page = client.get("/staff/oversight/").get_data(as_text=True)
    assert overdue_numbers_in(page) == by_lateness[:2]
    assert "逾期 5 件" in page and "查看全部 5 件" in page
    listed = []
    for number in (1, 2, 3):
        page = client.get(f"/staff/oversight/list?section=overdue&page={number}").get_data(as_text=True)
        assert f"第 {number} / 3 页" in page
        listed += overdue_numbers_in(page)
    assert listed == by_lateness  # every overdue matter reachable, sorted by lateness
    assert client.get("/staff/oversight/list?page=4").status_code == 404
    assert "共 0 件" in client.get("/staff/oversight/list?section=due-soon").get_data(as_text=True)
    unassigned = client.get("/staff/oversight/list?section=overdue&assignee=0").get_data(as_text=True)
    assert overdue_numbers_in(unassigned) == [numbers[date(2026, 8, 3)], numbers[date(2026, 9, 10)]]
    staff = app.test_client()
    login(staff, users["staff"])
    assert staff.get("/staff/oversight/list").status_code == 403


def test_counts_computed_in_sql_match_counting_the_matters(client, app, users):
    from collections import Counter

    from tests.feature.test_complaints import file_on as file_complaint_on

    for day in (date(2026, 8, 3), date(2026, 9, 1), date(2026, 9, 25)):
        file_on(app, day, assignee=users["staff"])
    file_on(app, date(2026, 9, 10), assignee=users["traffic"])
    file_on(app, date(2026, 9, 11))
    for day in (date(2026, 9, 1), date(2026, 10, 1), local_today() - timedelta(days=14)):
        file_complaint_on(app, received=day)
    with app.app_context():
        from portal.oversight.queries import open_summary, section_count

        today = local_today()
        late = [m for m in db.session.scalars(select(Matter)) if m.closed_on is None and m.due_on < today]
        summary = open_summary(today)
        assert {t.name: t.count for t in summary.by_department} == Counter(m.department.name for m in late)
        assert {t.name: t.count for t in summary.by_assignee} == Counter(
            m.assignee.display_name if m.assignee else "未分配" for m in late)
        assert summary.counts["overdue"] == section_count("overdue", today) == len(late) == 7
        assert summary.counts["due-soon"] == section_count("due-soon", today) == 1
        late_by_department = Counter(m.department.name for m in late)
    login(client, users["supervisor"])
    page = client.get("/staff/oversight/").get_data(as_text=True)
    assert "户政民警</a>：3 件" in page
    assert late_by_department["督察"] == 2  # complaints go to the inspection office
    for department, count in late_by_department.items():
        assert f"{department}</a>：{count} 件" in page


def test_trends_cover_the_last_twelve_months_only(client, app, users):
    file_on(app, local_today() - timedelta(days=500))
    file_on(app, date(2026, 9, 25))
    login(client, users["supervisor"])
    page = client.get("/staff/oversight/").get_data(as_text=True)
    old_month = (local_today() - timedelta(days=500)).strftime("%Y-%m")
    assert '<th scope="row">2026-09</th>' in page and f'<th scope="row">{old_month}</th>' not in page


def test_sweep_digest_lists_the_latest_and_counts_the_rest_and_keeps_the_chain(app, users, monkeypatch):
    from portal.audit.chain import verify
    from portal.oversight import sweep as sweep_module

    monkeypatch.setattr(sweep_module, "DIGEST_LINES", 2)
    numbers = [file_on(app, day, assignee=users["staff"])
               for day in (date(2026, 9, 25), date(2026, 8, 3), date(2026, 9, 1))]
    result = app.test_cli_runner().invoke(args=["deadlines", "sweep"])
    assert "逾期 3 件（新增 3 件）" in result.output
    with app.app_context():
        assert verify().ok
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "matter.overdue")
                                    .order_by(AuditEvent.seq)).all()
        assert sorted(e.target_id for e in events) == sorted(numbers)
        digest = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "super1@example.gov.cn"))
        assert numbers[1] in digest.body and numbers[2] in digest.body and numbers[0] not in digest.body
        assert "共逾期 3 件" in digest.body and "另有 1 件未列出" in digest.body
        assert digest.subject.startswith("到期提醒：3 件事项")


def reference_figures(today: date) -> dict:
    """The public figures counted one matter at a time in Python (how the page used to work)."""
    from portal.calendar.services import load_calendar
    from portal.complaints.models import Complaint
    from portal.disclosure.models import DisclosureRequest
    from portal.matters.models import MatterEvent

    calendar, since = load_calendar(), today - timedelta(days=365)
    extended = set(db.session.scalars(select(MatterEvent.matter_id).where(MatterEvent.kind == "extension_granted")))
    ratings = {r.matter_id: r.rating for r in db.session.scalars(select(DisclosureRequest))}
    ratings |= {c.matter_id: c.rating for c in db.session.scalars(select(Complaint))}
    result: dict = {}
    for m in db.session.scalars(select(Matter).where(Matter.received_on >= since)):
        f = result.setdefault(m.kind, {}).setdefault(m.department.name, [0, 0, 0, 0, 0, 0, []])
        f[0] += 1
        f[3] += m.id in extended
        if ratings.get(m.id):
            f[4] += 1
            f[5] += ratings[m.id] in ("satisfied", "fair")
        if m.closed_on is not None:
            f[1] += 1
            f[2] += m.due_on is None or m.closed_on <= m.due_on
            f[6].append(calendar.count_workdays(m.received_on, m.closed_on))
    return result


def test_public_figures_aggregated_in_sql_match_counting_each_matter(client, app, users):
    from portal.core.clock import EventKind
    from portal.disclosure.models import DisclosureRequest
    from portal.matters.services import add_event
    from portal.oversight.performance import accountability
    from tests.feature.test_complaints import file_on as file_complaint_on

    closings = {date(2026, 1, 5): date(2026, 1, 30), date(2025, 12, 29): date(2026, 2, 27),
                date(2026, 9, 25): date(2026, 10, 9), date(2026, 6, 1): date(2026, 7, 20),
                date(2026, 3, 2): None, date(2025, 11, 3): date(2025, 11, 20)}  # the last: > 12 months
    for received, closed in closings.items():
        number = file_on(app, received)
        with app.app_context():
            matter = db.session.scalar(select(Matter).where(Matter.tracking_no == number))
            if received.month == 6:
                add_event(matter, EventKind.EXTENSION_GRANTED, date(2026, 6, 20), actor_id=None, days=20)
            matter.closed_on = closed
            if closed:
                detail = db.session.get(DisclosureRequest, matter.id)
                detail.rating = {1: "satisfied", 12: "unsatisfied", 9: "fair"}.get(received.month)
            db.session.commit()
    for received in (date(2026, 9, 1), date(2026, 10, 1)):
        number, _ = file_complaint_on(app, received=received)
        with app.app_context():
            matter = db.session.scalar(select(Matter).where(Matter.tracking_no == number))
            matter.closed_on = received + timedelta(days=20)
            db.session.commit()
    with app.app_context():
        today = local_today()
        expected = reference_figures(today)
        figures = accountability(today)
        got = {kind: {name: [f.received, f.closed, f.on_time, f.extended, f.rated, f.satisfied,
                             (f.workday_sum, f.closed)]
                      for name, f in rows.items()} for kind, rows in figures.items()}
        for rows in expected.values():
            for f in rows.values():
                f[6] = sum(f[6]), len(f[6])
        assert got == expected
        assert expected["request"]["政务公开办公室"][:6] == [5, 4, 3, 1, 3, 2]  # 2025-12-29 replied late


def test_sweep_that_marks_many_tidies_the_table_and_still_commits(app, users, monkeypatch):
    from portal.oversight import sweep as sweep_module

    monkeypatch.setattr(sweep_module, "VACUUM_AFTER", 1)  # VACUUM on PostgreSQL, nothing on SQLite
    number = file_on(app, date(2026, 9, 25))
    result = app.test_cli_runner().invoke(args=["deadlines", "sweep"])
    assert result.exit_code == 0 and "新增 1 件" in result.output and "未能整理" not in result.output
    with app.app_context():
        assert db.session.scalar(select(Matter.overdue_since).where(Matter.tracking_no == number))
