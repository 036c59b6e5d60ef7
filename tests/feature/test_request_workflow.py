"""The request's workflow as staff use it: only allowed actions are offered, others are refused,
and an extension asked for during 补正 keeps the clock stopped and returns to 补正."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

from portal.core.workdays import add_workdays
from portal.extensions import db
from portal.matters.models import Matter
from tests.feature import test_request_handling as handling
from tests.feature.test_request_handling import act, decide, matter, send_reply
from tests.helpers import login

SHANGHAI = ZoneInfo("Asia/Shanghai")
filed = handling.filed  # a request received on 2026-09-25


def action_choices(client, number) -> str:
    page = client.get(f"/staff/requests/{number}").get_data(as_text=True)
    return page.split('name="action-action"', 1)[1].split("</select>", 1)[0]


def ask_clarification_then_extension(client, number, days="10"):
    assert act(client, number, "clarification_requested", date(2026, 9, 30),
               deadline="2026-10-20").status_code == 302
    assert act(client, number, "extension_requested", date(2026, 10, 9), days=days,
               note="需调取多年档案").status_code == 302


def test_extension_during_clarification_keeps_the_pause_and_returns_to_clarification(
        client, app, users, filed):
    number, _ = filed
    with time_machine.travel(datetime(2026, 10, 12, 10, tzinfo=SHANGHAI), tick=True) as clock:
        login(client, users["supervisor"])
        ask_clarification_then_extension(client, number)
        pending = matter(app, number)
        assert pending.status == "extension_requested"
        assert pending.due_on is None and pending.clock_state == "awaiting_clarification"
        page = client.get(f"/staff/requests/{number}").get_data(as_text=True)
        assert "延期申请审批中" in page and "暂停计算" in page

        assert decide(client, number, "extension").status_code == 302
        granted = matter(app, number)
        assert granted.status == "awaiting_clarification" and granted.due_on is None
        assert granted.clock_steps[-1] == ("2026-10-12 延长答复期限 10 个工作日"
                                           "（正在等待补正，收到补正后重新计算时一并计入）")

        clock.move_to(datetime(2026, 10, 16, 10, tzinfo=SHANGHAI))
        login(client, users["supervisor"])  # a new working day, a new session
        assert act(client, number, "clarification_received", date(2026, 10, 15)).status_code == 302
        restarted = matter(app, number)
    due = add_workdays(date(2026, 10, 15), 30)
    assert restarted.status == "received" and restarted.due_on == due
    assert restarted.clock_steps[-1] == (
        f"2026-10-15 收到补正后的申请，重新计算 20 个工作日，加上已批准延长的 10 个工作日 → {due.isoformat()}")


def test_a_refused_extension_during_clarification_leaves_the_request_awaiting_clarification(
        client, app, users, filed):
    number, _ = filed
    login(client, users["supervisor"])
    ask_clarification_then_extension(client, number)
    assert decide(client, number, "extension", "refuse").status_code == 302
    found = matter(app, number)
    assert found.status == "awaiting_clarification" and found.due_on is None
    assert "收到补正材料" in action_choices(client, number)
    assert act(client, number, "clarification_received", date(2026, 10, 15)).status_code == 302
    assert matter(app, number).due_on == add_workdays(date(2026, 10, 15), 20)


def test_the_page_offers_only_what_the_state_allows(client, app, users, filed):
    number, _ = filed
    login(client, users["supervisor"])
    choices = action_choices(client, number)
    assert "发出补正通知" in choices and "收到补正材料" not in choices and "征求意见结束" not in choices
    act(client, number, "clarification_requested", date(2026, 9, 30), deadline="2026-10-20")
    choices = action_choices(client, number)
    assert "收到补正材料" in choices and "申请延长答复期限" in choices
    assert "发出补正通知" not in choices and "开始征求" not in choices and "发出收费通知" not in choices
    page = client.get(f"/staff/requests/{number}").get_data(as_text=True)
    assert 'id="reply-heading"' not in page  # no reply while waiting for the applicant


def test_an_action_the_table_refuses_is_answered_in_chinese_and_writes_nothing(client, app, users, filed):
    number, _ = filed
    login(client, users["supervisor"])
    act(client, number, "clarification_requested", date(2026, 9, 30), deadline="2026-10-20")
    response = act(client, number, "consultation_started", date(2026, 10, 2))
    assert response.status_code == 422
    assert "当前状态（待申请人补正）不能进行此操作。" in response.get_data(as_text=True)
    reply = send_reply(client, number, "disclosed", "disclosed:provided", "见附件。")
    assert reply.status_code == 422
    with app.app_context():
        found = db.session.scalar(select(Matter).where(Matter.tracking_no == number))
        assert found.status == "awaiting_clarification"
        assert [e.kind for e in found.events] == ["received", "clarification_requested"]


def test_one_extension_only_and_no_clarification_after_it(client, app, users, filed):
    number, _ = filed
    login(client, users["supervisor"])
    act(client, number, "extension_requested", date(2026, 10, 9), days="10", note="档案量大")
    decide(client, number, "extension")
    assert matter(app, number).status == "received"
    choices = action_choices(client, number)
    assert "申请延长答复期限" not in choices and "发出补正通知" not in choices
    response = act(client, number, "extension_requested", date(2026, 10, 12), days="5")
    assert response.status_code == 422 and "答复期限只能延长一次" in response.get_data(as_text=True)
    response = act(client, number, "extension_requested", date(2026, 10, 12), days="25")
    assert response.status_code == 422
