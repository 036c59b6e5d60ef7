"""案件办理进度查询: staff record cases, stages and parties; parties look their case up with a
one-time query code and the last four ID characters, and see only what the rules allow."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from portal.accounts.models import Department
from portal.audit.models import AuditEvent
from portal.cases.models import Case, CaseParty, CaseStage, CaseStagePolicy
from portal.cases.services import add_party, add_stage, create_case
from portal.cases.stages import StageFact, check_new_stage
from portal.core.errors import FieldError
from portal.extensions import db
from portal.outbox.models import OutboxMessage
from tests.conftest import PINNED_TODAY
from tests.helpers import CSRF_RE, csrf_token, login, post_form

TODAY = PINNED_TODAY  # every test here runs with the clock pinned (see pytestmark)
pytestmark = pytest.mark.usefixtures("pinned_today")
CASE_NO = "示例公(刑)受字〔2026〕123号"
OFFICER = "李建国警官"
REPORTER, VICTIM = "王小明", "赵晓丽"
CODE_RE = re.compile(r'<strong class="big">([2-9A-Z]{8})</strong>')


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def department_id(app, code: str = "huzheng") -> int:
    with app.app_context():
        return db.session.scalar(select(Department.id).where(Department.code == code))


def case_form(app, changes: dict | None = None) -> dict:
    data = {"case-case_no": CASE_NO, "case-case_type": "criminal",
            "case-department_id": str(department_id(app)), "case-officer_in_charge": OFFICER,
            "case-unit_phone": "0571-87000000", "case-accepted_on": days_ago(20).isoformat(),
            "case-note": "内部：嫌疑人线索来自监控", "party-role": "reporter", "party-name": REPORTER,
            "party-id_last4": "123x", "party-email": "reporter@example.com"}
    return data | (changes or {})


def record_case(client, app, changes: dict | None = None) -> tuple[int, str]:
    """Record a case through the form as 户政 staff; return its id and the receipt's code."""
    response = post_form(client, "/staff/cases/new", case_form(app, changes))
    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    assert "受案回执" in page
    code = CODE_RE.search(page).group(1)
    with app.app_context():
        case_id = db.session.scalar(select(Case.id).order_by(Case.id.desc()))
    return case_id, code


def add_stage_via_form(client, case_id: int, stage: str, day: date, kind: str = "", reason: str = "",
                       note: str = ""):
    url = f"/staff/cases/{case_id}"
    return client.post(f"{url}/stages", data={
        "csrf_token": csrf_token(client, url), "stage-stage": stage, "stage-day": day.isoformat(),
        "stage-kind": kind, "stage-reason": reason, "stage-note": note})


def add_party_via_form(client, case_id: int, name: str, last4: str, role: str = "victim",
                       email: str = ""):
    url = f"/staff/cases/{case_id}"
    return client.post(f"{url}/parties", data={
        "csrf_token": csrf_token(client, url), "party-role": role, "party-name": name,
        "party-id_last4": last4, "party-email": email})


def look_up(client, case_no: str, code: str, last4: str, **kwargs):
    return post_form(client, "/progress", {"case_no": case_no, "query_code": code, "id_last4": last4},
                     **kwargs)


@pytest.fixture
def staff(client, users):
    login(client, users["staff"])
    return client


@pytest.fixture
def recorded(staff, app):
    """A criminal case of 户政 recorded 20 days ago with its reporter: (id, code)."""
    return record_case(staff, app)


# --- order rules ---------------------------------------------------------------------------

D = date(2026, 3, 1)


def facts(*codes: str, kind: str = "") -> list[StageFact]:
    return [StageFact(code, D, kind) for code in codes]


ALLOWED = [
    ("criminal", ("accepted",), "filed", "", ""),
    ("criminal", ("accepted",), "not_filed", "", "不构成犯罪"),
    ("criminal", ("accepted",), "coercive_measure", "拘留", ""),  # 先行拘留 before filing
    ("criminal", ("accepted", "filed"), "investigating", "", ""),
    ("criminal", ("accepted", "filed", "investigating"), "coercive_measure", "取保候审", ""),
    ("criminal", ("accepted", "filed", "coercive_measure"), "coercive_measure", "逮捕", ""),
    ("criminal", ("accepted", "filed", "investigating"), "transferred_for_prosecution", "", ""),
    ("criminal", ("accepted", "filed", "transferred_for_prosecution"), "coercive_measure", "取保候审", ""),
    ("criminal", ("accepted", "filed", "transferred_for_prosecution"), "closed", "", ""),
    ("criminal", ("accepted", "filed", "investigating"), "withdrawn", "", "没有犯罪事实"),
    ("criminal", ("accepted", "filed", "withdrawn"), "closed", "", ""),
    ("criminal", ("accepted", "filed"), "decision", "终止侦查", ""),
    ("administrative", ("accepted",), "investigating", "", ""),
    ("administrative", ("accepted",), "filed", "", ""),
    ("administrative", ("accepted", "investigating"), "coercive_measure", "扣押", ""),
    ("administrative", ("accepted", "investigating"), "decision", "罚款", ""),
    ("administrative", ("accepted", "investigating", "decision"), "closed", "", ""),
    ("administrative", ("accepted",), "withdrawn", "", "违法事实不能成立"),
    ("criminal", (), "accepted", "", ""),
]

REFUSED = [
    ("criminal", (), "filed", "", "", "请先记录受案"),
    ("criminal", ("accepted",), "accepted", "", "", "不能重复记录"),
    ("criminal", ("accepted", "filed"), "filed", "", "", "不能重复记录"),
    ("criminal", ("accepted", "filed"), "not_filed", "", "理由", "已作出立案或不予立案决定"),
    ("criminal", ("accepted", "not_filed"), "filed", "", "", "本案已不予立案"),
    ("criminal", ("accepted", "not_filed"), "closed", "", "", "本案已不予立案"),
    ("criminal", ("accepted", "filed", "transferred_for_prosecution", "closed"), "coercive_measure", "逮捕", "",
     "本案已结案"),
    ("criminal", ("accepted",), "investigating", "", "", "刑事案件须先立案"),
    ("criminal", ("accepted",), "transferred_for_prosecution", "", "", "刑事案件须先立案"),
    ("criminal", ("accepted",), "withdrawn", "", "理由", "刑事案件须先立案"),
    ("administrative", ("accepted", "investigating"), "transferred_for_prosecution", "", "",
     "只有刑事案件"),
    ("criminal", ("accepted", "filed"), "closed", "", "", "结案前须先记录"),
    ("administrative", ("accepted", "decision"), "coercive_measure", "扣押", "", "本案已作出处理决定"),
    ("administrative", ("accepted", "withdrawn"), "decision", "罚款", "", "本案已撤销案件"),
    ("criminal", ("accepted", "filed", "transferred_for_prosecution"), "decision", "终止侦查", "",
     "本案已移送审查起诉"),
    ("administrative", ("accepted", "investigating"), "filed", "", "", "侦查/调查开始后"),
    ("criminal", ("accepted", "filed"), "coercive_measure", "", "", "请选择采取强制措施的种类"),
    ("criminal", ("accepted", "filed"), "coercive_measure", "罚款", "", "不是刑事案件"),
    ("administrative", ("accepted",), "decision", "逮捕", "", "不是行政案件"),
    ("criminal", ("accepted",), "filed", "拘留", "", "只有采取强制措施和作出处理决定需要选择种类"),
    ("criminal", ("accepted",), "not_filed", "", "  ", "请填写不予立案的理由"),
    ("criminal", ("accepted", "filed"), "investigating", "", "不该有理由", "只有不予立案和撤销案件"),
    ("criminal", ("accepted",), "nonsense", "", "", "请选择办理环节"),
]


@pytest.mark.parametrize(("case_type", "history", "stage", "kind", "reason"), ALLOWED)
def test_allowed_transitions(case_type, history, stage, kind, reason):
    check_new_stage(case_type, facts(*history), stage, D, kind=kind, reason=reason, today=D)


@pytest.mark.parametrize(("case_type", "history", "stage", "kind", "reason", "message"), REFUSED)
def test_refused_transitions(case_type, history, stage, kind, reason, message):
    with pytest.raises(FieldError) as refused:
        check_new_stage(case_type, facts(*history), stage, D, kind=kind, reason=reason, today=D)
    assert message in refused.value.message


def test_dates_may_not_go_backwards_or_into_the_future():
    history = [StageFact("accepted", date(2026, 3, 1)), StageFact("filed", date(2026, 3, 5))]
    with pytest.raises(FieldError, match="不能早于上一办理环节（2026-03-05）"):
        check_new_stage("criminal", history, "investigating", date(2026, 3, 4), today=date(2026, 4, 1))
    with pytest.raises(FieldError, match="不能晚于今天"):
        check_new_stage("criminal", history, "investigating", date(2026, 4, 2), today=date(2026, 4, 1))
    check_new_stage("criminal", history, "investigating", date(2026, 3, 5), today=date(2026, 4, 1))


# --- stages and due dates through the services ----------------------------------------------


def _case(app, case_type: str, accepted: date, number: str) -> int:
    case = create_case(case_no=number, case_type=case_type, department_id=department_id(app),
                       officer_in_charge="张警官", unit_phone="0571-87000000", accepted_on=accepted,
                       actor_id=None)
    db.session.flush()
    return case.id


def test_a_criminal_case_through_every_stage_with_its_due_dates(app):
    start = days_ago(100)
    with app.app_context():
        case = db.session.get(Case, _case(app, "criminal", start, "刑案-0001"))
        assert case.next_due_on == start + timedelta(days=7)  # 立案审查 7 日 (example)
        steps = [("filed", 5, "", "", 60), ("investigating", 6, "", "", 60),
                 ("coercive_measure", 7, "拘留", "", 3), ("coercive_measure", 9, "逮捕", "", 60),
                 ("transferred_for_prosecution", 60, "", "", 45)]
        for stage, offset, kind, reason, due_days in steps:
            add_stage(case, stage=stage, day=start + timedelta(days=offset), kind=kind, reason=reason,
                      actor_id=None)
            assert case.next_due_on == start + timedelta(days=offset + due_days), stage
            assert case.closed_on is None
        add_stage(case, stage="closed", day=start + timedelta(days=70), actor_id=None)
        assert case.closed_on == start + timedelta(days=70) and case.next_due_on is None
        assert [s.stage for s in case.stages] == ["accepted", "filed", "investigating", "coercive_measure",
                                                  "coercive_measure", "transferred_for_prosecution", "closed"]
        with pytest.raises(FieldError, match="本案已结案"):
            add_stage(case, stage="withdrawn", day=TODAY, reason="x", actor_id=None)


def test_an_administrative_case_counts_thirty_days_from_acceptance(app):
    start = days_ago(40)
    with app.app_context():
        case = db.session.get(Case, _case(app, "administrative", start, "行案-0001"))
        assert case.next_due_on == start + timedelta(days=30)
        add_stage(case, stage="investigating", day=start + timedelta(days=3), actor_id=None)
        assert case.next_due_on == start + timedelta(days=30)  # still from 受案, not from the stage
        add_stage(case, stage="coercive_measure", day=start + timedelta(days=4), kind="扣押", actor_id=None)
        assert case.next_due_on == start + timedelta(days=34)  # 扣押: 30 days from the measure
        add_stage(case, stage="decision", day=start + timedelta(days=20), kind="罚款", actor_id=None)
        assert case.next_due_on == start + timedelta(days=35)
        add_stage(case, stage="closed", day=start + timedelta(days=30), actor_id=None)
        assert case.next_due_on is None


def test_not_filing_ends_the_case(app):
    with app.app_context():
        case = db.session.get(Case, _case(app, "criminal", days_ago(10), "刑案-0002"))
        add_stage(case, stage="not_filed", day=days_ago(5), reason="经审查，没有犯罪事实。", actor_id=None)
        assert case.closed_on == days_ago(5) and case.next_due_on is None
        for stage in ("filed", "closed", "investigating"):
            with pytest.raises(FieldError, match="本案已不予立案"):
                add_stage(case, stage=stage, day=TODAY, actor_id=None)


def test_a_reason_with_a_malformed_withheld_span_is_refused(app):
    with app.app_context():
        case = db.session.get(Case, _case(app, "criminal", days_ago(10), "刑案-0003"))
        with pytest.raises(FieldError) as refused:
            add_stage(case, stage="not_filed", day=days_ago(5), reason="[[不予公开:third-party]]未闭合",
                      actor_id=None)
        assert refused.value.field == "reason"
        assert [s.stage for s in case.stages] == ["accepted"]


def test_a_refused_stage_through_the_form_is_explained_and_stores_nothing(staff, app, recorded):
    case_id, _ = recorded
    response = add_stage_via_form(staff, case_id, "transferred_for_prosecution", days_ago(1))
    assert response.status_code == 422
    assert "刑事案件须先立案" in response.get_data(as_text=True)
    response = add_stage_via_form(staff, case_id, "filed", days_ago(30))
    assert response.status_code == 422 and "不能早于上一办理环节" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(CaseStage.stage).where(CaseStage.case_id == case_id)).all() == [
            "accepted"]
    assert add_stage_via_form(staff, case_id, "filed", days_ago(18)).status_code == 302
    assert "已记录。" in staff.get(f"/staff/cases/{case_id}").get_data(as_text=True)


# --- the list, due soon and overdue ---------------------------------------------------------


def test_the_list_sorts_by_due_date_and_filters_overdue_and_due_soon(staff, app):
    with app.app_context():
        _case(app, "administrative", TODAY, "行案-不急")  # due in 30 days
        _case(app, "criminal", days_ago(10), "刑案-逾期")  # due 3 days ago
        _case(app, "criminal", days_ago(5), "刑案-将到期")  # due in 2 days
        closed = db.session.get(Case, _case(app, "criminal", days_ago(30), "刑案-不立"))
        add_stage(closed, stage="not_filed", day=days_ago(29), reason="没有犯罪事实", actor_id=None)
        db.session.commit()
    page = staff.get("/staff/cases/").get_data(as_text=True)
    positions = [page.index(n) for n in ("刑案-逾期", "刑案-将到期", "行案-不急", "刑案-不立")]
    assert positions == sorted(positions)
    assert "逾期 3 天" in page and "2 日内到期" in page
    overdue = staff.get("/staff/cases/?timing=overdue").get_data(as_text=True)
    assert "刑案-逾期" in overdue and "刑案-将到期" not in overdue and "行案-不急" not in overdue
    soon = staff.get("/staff/cases/?timing=due-soon").get_data(as_text=True)
    assert "刑案-将到期" in soon and "刑案-逾期" not in soon and "行案-不急" not in soon
    closed_only = staff.get("/staff/cases/?state=closed").get_data(as_text=True)
    assert "刑案-不立" in closed_only and "刑案-逾期" not in closed_only
    administrative = staff.get("/staff/cases/?type=administrative").get_data(as_text=True)
    assert "行案-不急" in administrative and "刑案-逾期" not in administrative


# --- policies -------------------------------------------------------------------------------


def test_policies_are_examples_until_the_administrator_sets_them(client, app, users):
    with app.app_context():
        case_id = _case(app, "criminal", days_ago(2), "刑案-政策")
        db.session.commit()
    login(client, users["staff"])
    assert client.get("/staff/cases/policies").status_code == 403
    admin = app.test_client()
    login(admin, users["admin"])
    page = admin.get("/staff/cases/policies").get_data(as_text=True)
    assert page.count(">示例<") >= 15 and "《刑事诉讼法》第九十一条" in page
    assert "公安部《关于改革完善受案立案制度的意见》" in page and "第九十九条" in page
    with app.app_context():
        rows = db.session.scalars(select(CaseStagePolicy)).all()
        assert rows and all(row.is_example for row in rows)
    inputs = dict(re.findall(r'name="(days-\d+)" value="(\d*)"', page))
    first = next(name for name, value in inputs.items() if value == "7")  # 刑事 受案 → 立案 7 日
    bad = admin.post("/staff/cases/policies", data={"csrf_token": CSRF_RE.search(page).group(1),
                                                     **inputs, first: "0"})
    assert bad.status_code == 422 and "请填写 1–730 的整数" in bad.get_data(as_text=True)
    saved = admin.post("/staff/cases/policies", data={"csrf_token": CSRF_RE.search(page).group(1),
                                                       **inputs, first: "5"})
    assert saved.status_code == 302
    with app.app_context():
        row = db.session.scalar(select(CaseStagePolicy).where(
            CaseStagePolicy.case_type == "criminal", CaseStagePolicy.stage == "accepted"))
        assert row.days == 5 and not row.is_example
        assert db.session.get(Case, case_id).next_due_on == days_ago(2) + timedelta(days=5)
        others = db.session.scalars(select(CaseStagePolicy).where(CaseStagePolicy.id != row.id)).all()
        assert all(other.is_example for other in others)
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.policies"))


# --- parties, receipt and the query code ----------------------------------------------------


def test_the_receipt_shows_the_code_once_and_only_its_hash_is_stored(staff, app):
    response = post_form(staff, "/staff/cases/new", case_form(app))
    page = response.get_data(as_text=True)
    code = CODE_RE.search(page).group(1)
    assert len(code) == 8 and not set(code) & set("01OI")
    for expected in (CASE_NO, "户政管理", "0571-87000000", "报案人", "刑事案件", "/progress"):
        assert expected in page
    assert OFFICER not in page and REPORTER not in page
    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        party = db.session.scalar(select(CaseParty))
        stored = " ".join(str(getattr(party, c.key)) for c in CaseParty.__table__.columns)
        assert code not in stored and "123X" not in stored
        assert check_password_hash(party.query_code_hash, code)
        assert check_password_hash(party.id_last4_hash, "123X")
        case_id = party.case_id
    assert code not in staff.get(f"/staff/cases/{case_id}").get_data(as_text=True)


def test_a_party_added_later_gets_a_receipt_and_a_lost_code_can_be_replaced(staff, app, recorded):
    case_id, reporter_code = recorded
    response = add_party_via_form(staff, case_id, VICTIM, "5678")
    assert response.status_code == 200 and "被害人" in response.get_data(as_text=True)
    victim_code = CODE_RE.search(response.get_data(as_text=True)).group(1)
    assert victim_code != reporter_code
    citizen = app.test_client()
    assert look_up(citizen, CASE_NO, victim_code, "5678").status_code == 303
    with app.app_context():
        victim = db.session.scalar(select(CaseParty).where(CaseParty.role == "victim"))
        victim_id = victim.id
    url = f"/staff/cases/{case_id}"
    reissued = staff.post(f"{url}/parties/{victim_id}/code", data={"csrf_token": csrf_token(staff, url)})
    assert "已重新生成查询码" in reissued.get_data(as_text=True)
    new_code = CODE_RE.search(reissued.get_data(as_text=True)).group(1)
    assert look_up(citizen, CASE_NO, victim_code, "5678").status_code == 404
    assert look_up(citizen, CASE_NO, new_code, "5678").status_code == 303
    assert look_up(citizen, CASE_NO, reporter_code, "123X").status_code == 303


def test_invalid_party_details_are_explained(staff, app, recorded):
    case_id, _ = recorded
    response = add_party_via_form(staff, case_id, VICTIM, "12")
    assert response.status_code == 422 and "最后 4 位" in response.get_data(as_text=True)
    response = add_party_via_form(staff, case_id, VICTIM, "1234", email="not an address")
    assert response.status_code == 422 and "电子邮箱格式不正确" in response.get_data(as_text=True)
    response = post_form(staff, "/staff/cases/new", case_form(app))
    assert response.status_code == 422 and "该案件编号已存在" in response.get_data(as_text=True)


# --- the party's lookup ---------------------------------------------------------------------


def test_the_party_sees_stages_unit_and_phone_but_no_officer_notes_or_other_parties(staff, app, recorded):
    case_id, code = recorded
    add_party_via_form(staff, case_id, VICTIM, "5678")
    add_stage_via_form(staff, case_id, "filed", days_ago(18), note="内部：请示分管领导同意")
    add_stage_via_form(staff, case_id, "coercive_measure", days_ago(15), kind="取保候审",
                       note="内部：保证人张三，住址幸福路8号")
    citizen = app.test_client()
    found = look_up(citizen, CASE_NO.replace("(", "（").replace(")", "）"), code.lower(), "123x")
    assert found.status_code == 303
    assert found.headers["Location"].startswith("/progress/")
    page = citizen.get(found.headers["Location"])
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    for expected in (CASE_NO, "刑事案件", "户政管理", "0571-87000000", "受案", "立案", "采取强制措施",
                     "取保候审", days_ago(15).isoformat()):
        assert expected in text, expected
    for hidden in (OFFICER, "内部", "请示分管领导", "保证人", REPORTER, VICTIM, "王某", "赵某", "报案人",
                   "被害人", "reporter@example.com", code):
        assert hidden not in text, hidden
    # A second stage appears on reload; another browser cannot use the same address.
    add_stage_via_form(staff, case_id, "investigating", days_ago(14))
    assert "侦查中" in citizen.get(found.headers["Location"]).get_data(as_text=True)
    assert app.test_client().get(found.headers["Location"]).status_code == 404


def test_the_address_of_a_result_is_a_random_token(staff, app, recorded):
    case_id, code = recorded
    citizen = app.test_client()
    first = look_up(citizen, CASE_NO, code, "123X").headers["Location"]
    second = look_up(citizen, CASE_NO, code, "123X").headers["Location"]
    assert first != second
    token = first.rsplit("/", 1)[1]
    assert len(token) >= 20 and str(case_id) != token
    assert citizen.get(f"/progress/{case_id}").status_code == 404


def _normalised(response, typed_case_no: str) -> str:
    """The body without its CSRF token and with the echoed case number replaced."""
    text = response.get_data(as_text=True)
    text = re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", text)
    echoed = f'name="case_no" required type="text" value="{typed_case_no}"'
    assert echoed in text  # the typed number is kept so the party need not retype it
    return text.replace(echoed, 'name="case_no" value="<CASE>"')


def test_unknown_case_wrong_code_and_wrong_id_digits_get_the_identical_answer(staff, app, recorded):
    _, code = recorded
    wrong_code = "".join("Z" if ch != "Z" else "Y" for ch in code)
    citizen = app.test_client()
    answers = [
        (look_up(citizen, CASE_NO, wrong_code, "123X"), CASE_NO),
        (look_up(citizen, CASE_NO, code, "9999"), CASE_NO),
        (look_up(citizen, "示例公(刑)受字〔2026〕999号", code, "123X"), "示例公(刑)受字〔2026〕999号"),
    ]
    assert {response.status_code for response, _ in answers} == {404}
    bodies = {_normalised(response, typed) for response, typed in answers}
    assert len(bodies) == 1
    body = bodies.pop()
    assert "案件编号、查询码或证件号码后四位不正确" in body
    assert code not in body and wrong_code not in body and "123X" not in body


def test_unknown_cases_cost_the_same_hash_checks(app, staff, recorded, monkeypatch):
    from portal.cases import services

    calls = []
    real = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda h, v: calls.append(h) or real(h, v))
    _, code = recorded
    with app.test_request_context():
        for case_no, typed_code, last4 in ((CASE_NO, "ZZZZZZZZ", "123X"), ("不存在的编号", code, "123X"),
                                            (CASE_NO, code, "0000"), (CASE_NO, code, "123X")):
            calls.clear()
            services.find_party(case_no, typed_code, last4)
            assert len(calls) == 2
            method = calls[0].split("$", 1)[0]
            assert all(h.split("$", 1)[0] == method == app.config["PASSWORD_HASH_METHOD"] for h in calls)


def test_failures_are_throttled_per_address(staff, app, recorded):
    _, code = recorded
    citizen = app.test_client()
    ip = {"environ_base": {"REMOTE_ADDR": "203.0.113.7"}}
    for number in range(10):  # ten different (unknown) cases: only the address counts up
        assert look_up(citizen, f"未知编号-{number}", code, "123X", **ip).status_code == 404
    locked = look_up(citizen, CASE_NO, code, "123X", **ip)
    assert locked.status_code == 429 and "15 分钟后再试" in locked.get_data(as_text=True)
    other = app.test_client()
    assert look_up(other, CASE_NO, code, "123X", environ_base={"REMOTE_ADDR": "203.0.113.8"}
                   ).status_code == 303


def test_failures_are_throttled_per_case_number_from_one_address(staff, app, recorded):
    _, code = recorded
    guesser = app.test_client()
    guessing = {"environ_base": {"REMOTE_ADDR": "198.51.100.1"}}
    for _ in range(5):  # five wrong guesses at one case from one address
        assert look_up(guesser, CASE_NO, "ZZZZZZZZ", "123X", **guessing).status_code == 404
    assert look_up(guesser, CASE_NO, code, "123X", **guessing).status_code == 429
    # An unknown number is locked the same way, so the lock tells nothing about existence.
    for _ in range(4):
        look_up(guesser, "不存在的编号", code, "123X", environ_base={"REMOTE_ADDR": "192.0.2.2"})
    assert look_up(guesser, "不存在的编号", code, "123X",
                   environ_base={"REMOTE_ADDR": "192.0.2.2"}).status_code == 404
    assert look_up(guesser, "不存在的编号", code, "123X",
                   environ_base={"REMOTE_ADDR": "192.0.2.2"}).status_code == 429


def test_nobody_can_lock_a_party_out_of_their_case(staff, app, recorded):
    _, code = recorded
    for number in range(5):  # five wrong guesses from one address, one from each of five more
        look_up(app.test_client(), CASE_NO, "ZZZZZZZZ", "123X",
                environ_base={"REMOTE_ADDR": "198.51.100.200"})
        look_up(app.test_client(), CASE_NO, "ZZZZZZZZ", "123X",
                environ_base={"REMOTE_ADDR": f"198.51.100.{number}"})
    party = app.test_client()
    found = look_up(party, CASE_NO, code, "123X", environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert found.status_code == 303


def test_every_lookup_is_audited_without_the_code(staff, app, recorded):
    _, code = recorded
    citizen = app.test_client()
    look_up(citizen, CASE_NO, code, "123X")
    look_up(citizen, CASE_NO, "ZZZZZZZZ", "123X")
    look_up(citizen, "不存在的编号", code, "123X")
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.lookup")
                                    .order_by(AuditEvent.id)).all()
        assert [(e.detail["case_no"], e.detail["outcome"]) for e in events] == [
            (CASE_NO, "found"), (CASE_NO, "not_found"), ("不存在的编号", "not_found")]
        assert all(e.user_id is None and e.remote_addr == "127.0.0.1" for e in events)
        dumped = " ".join(str(e.detail) + e.target_id for e in events)
        assert code not in dumped and "ZZZZZZZZ" not in dumped and "123X" not in dumped


def test_the_home_page_links_to_the_lookup(client, app):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/progress"' in page
    form = client.get("/progress")
    assert form.status_code == 200 and "案件编号" in form.get_data(as_text=True)
    assert form.headers["Cache-Control"] == "no-store"


# --- access and notices ---------------------------------------------------------------------


def test_staff_of_another_department_get_403(client, app, users, recorded):
    case_id, _ = recorded
    traffic = app.test_client()
    login(traffic, users["traffic"])
    assert traffic.get(f"/staff/cases/{case_id}").status_code == 403
    token = csrf_token(traffic, "/staff/cases/")
    assert traffic.post(f"/staff/cases/{case_id}/stages", data={
        "csrf_token": token, "stage-stage": "filed", "stage-day": TODAY.isoformat()}).status_code == 403
    assert traffic.post(f"/staff/cases/{case_id}/parties", data={"csrf_token": token}).status_code == 403
    assert CASE_NO not in traffic.get("/staff/cases/").get_data(as_text=True)
    supervisor = app.test_client()
    login(supervisor, users["supervisor"])
    page = supervisor.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    assert OFFICER in page and REPORTER in page  # supervisors are cleared for personal data
    assert CASE_NO in supervisor.get("/staff/cases/").get_data(as_text=True)
    anonymous = app.test_client()
    assert anonymous.get(f"/staff/cases/{case_id}").status_code == 302


def test_staff_see_names_of_their_own_cases_and_the_view_is_audited(staff, app, recorded):
    case_id, _ = recorded
    page = staff.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    assert REPORTER in page and OFFICER in page and "内部：嫌疑人线索来自监控" in page
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "personal_data.view",
                                                          AuditEvent.target_type == "CaseParty"))


def test_a_new_stage_is_mailed_to_parties_with_an_address_with_personal_data_masked(staff, app, recorded):
    case_id, _ = recorded
    add_party_via_form(staff, case_id, VICTIM, "5678")  # no e-mail address
    response = add_stage_via_form(staff, case_id, "not_filed", days_ago(10),
                                  reason="经审查，报警人13912345678反映的情况不构成犯罪。", note="内部意见")
    assert response.status_code == 302
    with app.app_context():
        messages = db.session.scalars(select(OutboxMessage)).all()
        stage = db.session.scalar(select(CaseStage).where(CaseStage.stage == "not_filed"))
        reporter = db.session.scalar(select(CaseParty).where(CaseParty.role == "reporter"))
    assert len(messages) == 1
    message = messages[0]
    assert message.recipient == "reporter@example.com"
    assert message.dedupe_key == f"case:{case_id}:stage:{stage.id}:party:{reporter.id}"
    assert "不予立案" in message.body and "139****5678" in message.body
    assert "13912345678" not in message.body and "内部意见" not in message.body
    assert OFFICER not in message.body and REPORTER not in message.body and CASE_NO in message.subject


def test_the_party_page_survives_planted_markers(app, users):
    """The generic leak planting on cases: nothing internal or private reaches the party's page."""
    from tests.feature.test_leaks import PRIVATE_NAME, RAW_PII, plant

    with app.app_context():
        case = create_case(case_no="示例公(行)受字〔2026〕7号", case_type="administrative",
                           department_id=department_id(app), officer_in_charge=OFFICER,
                           unit_phone="0571-87000000", accepted_on=days_ago(9), actor_id=None)
        party, _ = add_party(case, role="party", name=REPORTER, id_last4="1234", actor_id=None)
        add_party(case, role="victim", name=VICTIM, id_last4="5678", email="v@example.com", actor_id=None)
        add_stage(case, stage="withdrawn", day=days_ago(2), reason="违法事实不能成立。", note="内部", actor_id=None)
        db.session.commit()
        ids = [case.id, party.id]
    planted = plant(app)
    citizen = app.test_client()
    with citizen.session_transaction() as session:
        session["case_progress"] = {"t0ken-planted": ids}
    text = citizen.get("/progress/t0ken-planted").get_data(as_text=True)
    assert "撤销案件" in text and "违法事实不能成立" in text
    assert "【此处依据《政府信息公开条例》第十五条不予公开】" in text
    for marker in planted:
        assert marker not in text
    for datum in [*RAW_PII, PRIVATE_NAME, REPORTER, VICTIM, OFFICER]:
        assert datum not in text
