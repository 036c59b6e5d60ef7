"""执法结果公开: staff register penalty decisions; the public sees them through the filter, within
their deadlines and retention period; changed decisions are withdrawn with a statement of why."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select

from portal.core.pii import id_check_digit
from portal.extensions import db
from portal.penalties.models import PenaltyDecision
from tests.helpers import login, post_form

pytestmark = pytest.mark.usefixtures("pinned_today")  # 2026-12-01, a Tuesday

ID17 = "33010219850612321"
PARTY_ID = ID17 + id_check_digit(ID17)
NUMBER_RE = re.compile(r"/staff/penalties/(\d+)$")


def form(**changes) -> dict:
    values = {"decision_no": "示公（治）行罚决字〔2026〕201号", "authority": "示例市公安局",
              "decided_on": "2026-11-27", "party_type": "person", "party_name": "王小明",
              "party_id_number": PARTY_ID, "party_address": "示例市幸福路 18 号",
              "facts": "当事人在商场内殴打他人。[[不予公开:third-party]]商场的监控布点方案[[/不予公开]]",
              "legal_basis": "《中华人民共和国治安管理处罚法》第五十一条", "penalty": "行政拘留五日，罚款二百元。"}
    return {**values, **changes}


def register(client, **changes) -> int:
    """Register a decision through the staff form (department: the staff member's own)."""
    page = client.get("/staff/penalties/new").get_data(as_text=True)
    department = re.search(r'<option[^>]*value="(\d+)"', page).group(1)
    response = post_form(client, "/staff/penalties/new", {"department_id": department, **form(**changes)},
                         form_url="/staff/penalties/new")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(NUMBER_RE.search(response.headers["Location"]).group(1))


def act(client, penalty_id: int, action: str, **data):
    return post_form(client, f"/staff/penalties/{penalty_id}/{action}", data,
                     form_url=f"/staff/penalties/{penalty_id}")


def supervisor(app, users):
    """A client signed in as the supervisor now (a session does not outlive a jump in time)."""
    client = app.test_client()
    login(client, users["supervisor"])
    return client


def travel_to(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo("Asia/Shanghai")))


def test_a_published_decision_names_a_person_as_zhang_mou_and_withholds_trade_secrets(client, app, users):
    login(client, users["staff"])
    penalty_id = register(client)
    assert client.get(f"/penalties/{penalty_id}").status_code == 404  # registered, not yet public
    act(client, penalty_id, "publish")
    public = app.test_client()
    page = public.get(f"/penalties/{penalty_id}").get_data(as_text=True)
    assert "示公（治）行罚决字〔2026〕201号" in page and "王某" in page
    assert "王小明" not in page and PARTY_ID not in page and "幸福路" not in page
    assert "监控布点方案" not in page
    assert "【此处依据《政府信息公开条例》第十五条不予公开】" in page and "不予公开部分的说明" in page
    listing = public.get("/penalties/").get_data(as_text=True)
    assert f"/penalties/{penalty_id}" in listing and "行政拘留五日" in listing


def test_a_minors_case_is_never_published(client, app, users):
    login(client, users["staff"])
    penalty_id = register(client, involves_minor="y")
    response = act(client, penalty_id, "publish")
    assert "涉及未成年人的案件不予公开" in client.get(response.headers["Location"]).get_data(as_text=True)
    for url in (f"/penalties/{penalty_id}", f"/api/v1/penalties/{penalty_id}"):
        assert client.get(url).status_code == 404
    assert "行罚决字〔2026〕201号" not in client.get("/penalties/").get_data(as_text=True)
    assert "行罚决字〔2026〕201号" not in client.get("/penalties/feed.xml").get_data(as_text=True)


def test_bad_input_gets_chinese_messages_and_stores_nothing(client, app, users):
    login(client, users["staff"])
    response = post_form(client, "/staff/penalties/new", form(decision_no="", decided_on="2026-13-40",
                                                              facts="[[不予公开:third-party]]未闭合"),
                         form_url="/staff/penalties/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "请填写决定书文号。" in page and "保存失败" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PenaltyDecision)) == 0


def test_the_publication_deadline_counts_working_days_and_late_ones_reach_the_dashboard(client, app, users):
    login(client, users["staff"])
    penalty_id = register(client)  # decided Friday 2026-11-27: 7 working days → Tuesday 2026-12-08
    assert "应于 2026-12-08 前公开" in client.get("/staff/penalties/").get_data(as_text=True)
    assert "行罚决字〔2026〕201号" not in supervisor(app, users).get("/staff/oversight/").get_data(as_text=True)
    with travel_to(date(2026, 12, 9)):
        dashboard = supervisor(app, users).get("/staff/oversight/").get_data(as_text=True)
    assert "未按期公开" in dashboard and f"/staff/penalties/{penalty_id}" in dashboard


def test_a_revoked_decision_is_withdrawn_with_a_public_statement(client, app, users):
    login(client, users["staff"])
    penalty_id = register(client)
    act(client, penalty_id, "publish")
    act(client, penalty_id, "change", kind="revoked", changed_on="2026-12-01")
    assert "应于 2026-12-04 前撤回" in client.get("/staff/penalties/").get_data(as_text=True)
    act(client, penalty_id, "withdraw", statement="经行政复议，原处罚决定被撤销。")
    public = app.test_client()
    page = public.get(f"/penalties/{penalty_id}").get_data(as_text=True)
    assert "被依法撤销" in page and "第四十八条" in page and "经行政复议，原处罚决定被撤销。" in page
    assert "殴打他人" not in page and "行政拘留五日" not in page and "王某" not in page
    body = public.get(f"/api/v1/penalties/{penalty_id}").get_json()
    assert body["withdrawn"] and body["facts"] is None and body["withdrawal"]["kind"] == "revoked"


def test_a_withdrawal_later_than_three_working_days_is_flagged(client, app, users):
    login(client, users["staff"])
    penalty_id = register(client)
    act(client, penalty_id, "publish")
    act(client, penalty_id, "change", kind="illegal", changed_on="2026-12-01")  # due Friday 2026-12-04
    with travel_to(date(2026, 12, 4)):
        assert "未按期撤回" not in supervisor(app, users).get("/staff/oversight/").get_data(as_text=True)
    with travel_to(date(2026, 12, 7)):
        boss = supervisor(app, users)
        dashboard = boss.get("/staff/oversight/").get_data(as_text=True)
        assert "被确认违法后未按期撤回" in dashboard
        act(boss, penalty_id, "withdraw", statement="该决定被人民法院确认违法。")
        assert "被确认违法后逾期撤回" in boss.get("/staff/oversight/").get_data(as_text=True)


def test_a_decision_leaves_the_public_list_and_search_after_the_retention_period(client, app, users):
    from portal.search.services import search

    login(client, users["staff"])
    penalty_id = register(client)
    act(client, penalty_id, "publish")
    public = app.test_client()
    with app.app_context():
        assert any(hit.url == f"/penalties/{penalty_id}" for hit in search("殴打他人").hits)
    assert "行罚决字〔2026〕201号" in public.get("/penalties/feed.xml").get_data(as_text=True)
    later = date(2029, 11, 28)  # more than PENALTY_RETENTION_DAYS (1095) after 2026-11-27
    with travel_to(later):
        assert public.get(f"/penalties/{penalty_id}").status_code == 404
        result = app.test_cli_runner().invoke(args=["penalties", "retire"])
        assert "1 条" in result.output
        with app.app_context():
            assert not any(hit.url == f"/penalties/{penalty_id}" for hit in search("殴打他人").hits)


def test_staff_cannot_open_another_departments_decision(client, app, users):
    login(client, users["staff"])
    penalty_id = register(client)
    other = app.test_client()
    login(other, users["traffic"])
    assert other.get(f"/staff/penalties/{penalty_id}").status_code == 403
