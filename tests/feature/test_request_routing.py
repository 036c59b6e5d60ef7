"""Routing a request inside the bureau: the disclosure office transfers a request to the department
holding the information or consults departments (内部征求意见); each department sees and answers
exactly what is routed to it; the statutory clock and the final reply stay with the office.

The clock is pinned (2026-12-01, a Tuesday), so the internal due dates are fixed working days.
"""

from datetime import date

import pytest
from sqlalchemy import select

from portal.accounts.models import Department, Role
from portal.accounts.services import create_user
from portal.audit.models import AuditEvent
from portal.disclosure import routing
from portal.disclosure.models import Consultation, DisclosureRequest
from portal.extensions import db
from portal.matters.models import Matter
from portal.outbox.models import OutboxMessage
from portal.oversight.sweep import sweep
from tests.feature.test_oversight import file_on
from tests.helpers import PASSWORD, login, post_form

pytestmark = pytest.mark.usefixtures("pinned_today")


def signed_in(app, username: str):
    browser = app.test_client()
    login(browser, username)
    return browser


def dept(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Department.id).where(Department.code == code))


def matter(app, number: str) -> Matter:
    with app.app_context():
        found = db.session.scalar(select(Matter).where(Matter.tracking_no == number))
        db.session.expunge(found)
        return found


def consultations(app, number: str) -> list[tuple[str, date, date | None, str]]:
    with app.app_context():
        rows = db.session.scalars(select(Consultation).join(Matter).where(Matter.tracking_no == number)
                                  .order_by(Consultation.id))
        return [(c.department.code, c.due_on, c.answered_on, c.answer) for c in rows]


def audit_actions(app, number: str) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == number)
                                       .order_by(AuditEvent.seq)))


def request_numbered(number: str) -> DisclosureRequest:
    return db.session.scalars(select(DisclosureRequest).join(Matter, Matter.id == DisclosureRequest.matter_id)
                              .where(Matter.tracking_no == number)).one()


@pytest.fixture
def office(app, users):
    """A member of the disclosure office who is not a supervisor."""
    with app.app_context():
        create_user("office1", PASSWORD, Role.STAFF, "gongkaiban", "公开办民警", email="office1@example.gov.cn")
        create_user("huzheng2", PASSWORD, Role.STAFF, "huzheng", "户政内勤", email="hz2@example.gov.cn")
        db.session.commit()
    return "office1"


def transfer(client, app, number: str, to: str, reason: str = "户籍数据由户政管理部门掌握"):
    return post_form(client, f"/staff/requests/{number}/transfer",
                     {"transfer-department_id": str(dept(app, to)), "transfer-reason": reason},
                     form_url=f"/staff/requests/{number}/routing")


def consult(client, app, number: str, codes: list[str], workdays: str = "5", question: str = "能否公开？"):
    return post_form(client, f"/staff/requests/{number}/consult",
                     {"consult-department_ids": [str(dept(app, c)) for c in codes],
                      "consult-workdays": workdays, "consult-question": question},
                     form_url=f"/staff/requests/{number}/routing")


def test_department_staff_see_nothing_until_the_office_transfers(client, app, users, office):
    number = file_on(app, date(2026, 11, 25))
    household, traffic = signed_in(app, users["staff"]), signed_in(app, users["traffic"])
    assert household.get(f"/staff/requests/{number}").status_code == 403
    assert number not in household.get("/staff/requests/").get_data(as_text=True)

    assert household.get(f"/staff/requests/{number}/routing").status_code == 403
    assert transfer(household, app, number, "huzheng").status_code == 403  # only the office routes
    assert matter(app, number).department_id == dept(app, "gongkaiban")

    office_client = signed_in(app, office)
    before = matter(app, number)
    assert transfer(office_client, app, number, "huzheng").status_code == 302
    after = matter(app, number)
    assert after.department_id == dept(app, "huzheng")
    assert (after.status, after.due_on, after.clock_steps) == (before.status, before.due_on, before.clock_steps)

    assert number in household.get("/staff/requests/").get_data(as_text=True)
    page = household.get(f"/staff/requests/{number}").get_data(as_text=True)
    assert "承办部门 户政管理" in page and "改变承办单位" in page and "户籍数据由户政管理部门掌握" in page
    assert 'name="reply-reply_md"' in page  # the department drafts the reply
    assert traffic.get(f"/staff/requests/{number}").status_code == 403
    assert number not in traffic.get("/staff/requests/").get_data(as_text=True)
    assert signed_in(app, office).get(f"/staff/requests/{number}").status_code == 200  # the office keeps it
    assert "request.transferred" in audit_actions(app, number)
    with app.app_context():
        alerted = set(db.session.scalars(select(OutboxMessage.recipient)))
    assert "hz2@example.gov.cn" in alerted


def test_transfer_without_reason_or_to_the_same_department_writes_nothing(client, app, users, office):
    number = file_on(app, date(2026, 11, 25))
    office_client = signed_in(app, office)
    empty = transfer(office_client, app, number, "huzheng", reason="")
    assert empty.status_code == 422 and "转办须说明理由" in empty.get_data(as_text=True)
    same = post_form(office_client, f"/staff/requests/{number}/transfer",
                     {"transfer-department_id": str(dept(app, "gongkaiban")), "transfer-reason": "理由"},
                     form_url=f"/staff/requests/{number}/routing")
    assert same.status_code == 422 and "不是有效的选择" in same.get_data(as_text=True)
    assert matter(app, number).department_id == dept(app, "gongkaiban")
    assert "request.transferred" not in audit_actions(app, number)


def test_an_officer_of_another_department_assigned_a_request_can_open_it(client, app, users):
    number = file_on(app, date(2026, 11, 25), assignee=users["staff"])
    household = signed_in(app, users["staff"])
    assert household.get(f"/staff/requests/{number}").status_code == 200
    assert number in household.get("/staff/requests/").get_data(as_text=True)


def test_consulting_two_departments_gives_each_its_own_due_date_and_keeps_the_clock(
        client, app, users, office):
    number = file_on(app, date(2026, 11, 25))
    before = matter(app, number)
    supervisor = signed_in(app, users["supervisor"])
    assert consult(supervisor, app, number, ["huzheng", "jiaoguan"]).status_code == 302
    # 5 working days after Tuesday 2026-12-01: Tuesday 2026-12-08
    assert consultations(app, number) == [("huzheng", date(2026, 12, 8), None, ""),
                                          ("jiaoguan", date(2026, 12, 8), None, "")]
    after = matter(app, number)
    assert (after.status, after.due_on, after.clock_steps) == (before.status, before.due_on, before.clock_steps)
    again = consult(supervisor, app, number, ["huzheng"])
    assert again.status_code == 422 and "户政管理尚未答复此前的征求意见" in again.get_data(as_text=True)
    assert len(consultations(app, number)) == 2
    assert audit_actions(app, number).count("request.consulted") == 2
    page = supervisor.get(f"/staff/requests/{number}").get_data(as_text=True)
    assert "征求户政管理意见：能否公开？" in page and "征求交通管理意见：能否公开？" in page  # the history
    assert "2026-12-08（5 个工作日）" in page


@pytest.mark.parametrize("workdays,message", [("0", "1 至 15 个工作日"), ("16", "1 至 15 个工作日"),
                                              ("", "请填写内部答复期限")])
def test_a_consultation_needs_a_period_of_1_to_15_working_days(client, app, users, office, workdays, message):
    number = file_on(app, date(2026, 11, 25))
    answer = consult(signed_in(app, office), app, number, ["huzheng"], workdays=workdays)
    assert answer.status_code == 422 and message in answer.get_data(as_text=True)
    assert consultations(app, number) == []


def test_the_internal_due_date_skips_national_day_and_counts_its_make_up_saturday(app, users):
    number = file_on(app, date(2026, 9, 25))
    with app.app_context():
        req = request_numbered(number)
        household = db.session.scalar(select(Department).where(Department.code == "huzheng"))
        [made] = routing.consult(req, [household], question="问题", workdays=5, actor_id=None,
                                 day=date(2026, 9, 29))
        # 09-30, (10-01..10-07 off), 10-08, 10-09, 10-10 (Saturday worked), 10-12
        assert (made.due_on, made.due_provisional) == (date(2026, 10, 12), False)


def test_only_the_consulted_department_sees_and_answers(client, app, users, office):
    number = file_on(app, date(2026, 11, 25))
    consult(signed_in(app, office), app, number, ["huzheng"], question="请核实身份证办理数量能否公开")
    with app.app_context():
        consultation_id = db.session.scalar(select(Consultation.id))
    household, traffic = signed_in(app, users["staff"]), signed_in(app, users["traffic"])
    assert household.get(f"/staff/requests/{number}").status_code == 403  # consulted, not transferred
    listing = household.get("/staff/consultations/").get_data(as_text=True)
    assert number in listing
    assert number not in traffic.get("/staff/consultations/").get_data(as_text=True)
    assert traffic.get(f"/staff/consultations/{consultation_id}").status_code == 403
    url = f"/staff/consultations/{consultation_id}"
    assert "请核实身份证办理数量能否公开" in household.get(url).get_data(as_text=True)
    assert post_form(traffic, f"{url}/answer", {"answer-answer": "意见"}, form_url="/staff/consultations/"
                     ).status_code == 403
    empty = post_form(household, f"{url}/answer", {"answer-answer": " "}, form_url=url)
    assert empty.status_code == 422 and "请填写本部门的意见" in empty.get_data(as_text=True)
    assert post_form(household, f"{url}/answer", {"answer-answer": "可以公开总数"}, form_url=url
                     ).status_code == 302
    assert consultations(app, number) == [("huzheng", date(2026, 12, 8), date(2026, 12, 1), "可以公开总数")]
    assert 'name="answer-answer"' not in household.get(url).get_data(as_text=True)  # answered once
    office_page = signed_in(app, office).get(f"/staff/requests/{number}").get_data(as_text=True)
    assert "部门答复意见" in office_page and "可以公开总数" in office_page
    assert "request.consultation_answered" in audit_actions(app, number)


def test_an_overdue_consultation_is_marked_once_and_counted_on_the_dashboard(client, app, users, office):
    number = file_on(app, date(2026, 9, 25))
    with app.app_context():
        req = request_numbered(number)
        household = db.session.scalar(select(Department).where(Department.code == "huzheng"))
        routing.consult(req, [household], question="问题", workdays=5, actor_id=None, day=date(2026, 9, 29))
        db.session.commit()
        today = date(2026, 12, 1)
        first, second = sweep(today), sweep(today)
        db.session.commit()
        assert (first.consultations_overdue, second.consultations_overdue) == (1, 1)
    assert audit_actions(app, number).count("request.consultation_overdue") == 1
    with app.app_context():
        mail = [(m.recipient, m.body) for m in db.session.scalars(select(OutboxMessage))]
    assert any(to == "super1@example.gov.cn" and "内部征求意见逾期未答复 1 件" in body for to, body in mail)
    assert sum(to == "hz2@example.gov.cn" and "征求意见应于 2026-10-12 前答复，现已逾期" in body
               for to, body in mail) == 1  # the second sweep alerts nobody again
    supervisor = signed_in(app, users["supervisor"])
    board = supervisor.get("/staff/oversight/").get_data(as_text=True)
    section = board.split('id="consultation-heading"')[1].split("</section>")[0]
    assert "户政管理" in section and "1 件" in section
    assert f"department={dept(app, 'huzheng')}" in section
    listed = supervisor.get(f"/staff/consultations/?timing=overdue&department={dept(app, 'huzheng')}")
    assert number in listed.get_data(as_text=True)
    history = supervisor.get(f"/staff/requests/{number}").get_data(as_text=True)
    assert "征求意见逾期未答复" in history
    assert signed_in(app, users["staff"]).get("/staff/oversight/").status_code == 403


def test_the_applicant_is_never_told_of_internal_routing(client, app, users, office):
    number = file_on(app, date(2026, 11, 25))
    office_client = signed_in(app, office)
    consult(office_client, app, number, ["huzheng"], question="内部问题MARKER")
    transfer(office_client, app, number, "huzheng", reason="内部理由MARKER")
    with app.app_context():
        events = db.session.scalars(select(Matter).where(Matter.tracking_no == number)).one().events
        assert all(not e.message for e in events if e.kind in ("routed", "dept_consulted"))


def test_the_demo_gives_the_household_department_a_transferred_request_and_a_consultation(
        client, app, users):
    from portal.seed.demo import create_demo_matters

    with app.app_context():
        first, _replied, transferred, _complaint = create_demo_matters()
        db.session.commit()
    household = signed_in(app, users["staff"])
    assert transferred in household.get("/staff/requests/").get_data(as_text=True)
    assert household.get(f"/staff/requests/{transferred}").status_code == 200
    assert first in household.get("/staff/consultations/").get_data(as_text=True)
    assert "征求本部门意见、待答复 1 件" in household.get("/staff/").get_data(as_text=True)
    assert signed_in(app, users["traffic"]).get(f"/staff/requests/{transferred}").status_code == 403
