"""Who handles a complaint: 督察 by default, the unit complained about only when a supervisor
routes it there (audited, with a reason) and then without the complainant's identity, and the
复查 by someone other than the first handler."""

import re
from datetime import date

from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.accounts.services import create_user
from portal.audit.models import AuditEvent
from portal.config import load_settings
from portal.extensions import db
from portal.matters.models import Matter
from tests.feature.test_complaints import dept, file_on, matter, staff_post
from tests.helpers import PASSWORD, login, post_form

IDENTITY = ("李四", "13911112222", "ls@example.com")


def make_staff(app, username: str, department: str, name: str) -> int:
    with app.app_context():
        user = create_user(username, PASSWORD, Role.STAFF, department, name)
        db.session.commit()
        return user.id


def signed_in(app, username: str):
    browser = app.test_client()
    login(browser, username)
    return browser


def route_to(client, app, number: str, department: str, reason: str = "事实清楚，由单位自查"):
    return staff_post(client, number, "route", {"route-department_id": str(dept(app, department)),
                                                "route-reason": reason})


def test_complaints_go_to_ducha_by_default_and_the_unit_cannot_open_them(client, app, users):
    make_staff(app, "ducha1", "ducha", "督察民警")
    number, _ = file_on(app)  # about 交管 (jiaoguan)
    assert matter(app, number).department_id == dept(app, "ducha")
    unit = signed_in(app, users["traffic"])
    assert unit.get(f"/staff/complaints/{number}").status_code == 403
    assert number not in unit.get("/staff/complaints/").get_data(as_text=True)
    page = signed_in(app, "ducha1").get(f"/staff/complaints/{number}").get_data(as_text=True)
    assert all(value in page for value in IDENTITY)


def test_the_setting_unit_keeps_complaints_with_the_unit(client, app, users, monkeypatch):
    monkeypatch.setitem(app.config, "COMPLAINT_HANDLER", "unit")
    number, _ = file_on(app)
    assert matter(app, number).department_id == dept(app, "jiaoguan")


def test_complaint_handler_defaults_to_ducha_and_reads_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("COMPLAINT_HANDLER", raising=False)
    assert load_settings(tmp_path)["COMPLAINT_HANDLER"] == "ducha"
    monkeypatch.setenv("COMPLAINT_HANDLER", "unit")
    assert load_settings(tmp_path)["COMPLAINT_HANDLER"] == "unit"


def test_a_supervisor_routes_to_the_unit_with_a_reason_and_it_is_audited(client, app, users):
    number, _ = file_on(app)
    login(client, users["supervisor"])
    form = client.get(f"/staff/complaints/{number}").get_data(as_text=True)
    assert f'<option selected value="{dept(app, "jiaoguan")}">' in form  # the unit, preselected
    refused = route_to(client, app, number, "jiaoguan", reason="")
    assert refused.status_code == 422 and "改变承办单位须说明理由" in refused.get_data(as_text=True)
    assert matter(app, number).department_id == dept(app, "ducha")
    assert route_to(client, app, number, "jiaoguan").status_code == 302
    assert matter(app, number).department_id == dept(app, "jiaoguan")
    page = client.get(f"/staff/complaints/{number}").get_data(as_text=True)
    assert "改变承办单位：督察" in page and "事实清楚，由单位自查" in page
    with app.app_context():
        audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "complaint.routed"))
        assert audit is not None and audit.target_id == number
        assert "事实清楚，由单位自查" in str(audit.detail)


def test_staff_cannot_route_a_complaint(client, app, users):
    make_staff(app, "ducha1", "ducha", "督察民警")
    number, _ = file_on(app)
    ducha = signed_in(app, "ducha1")
    assert route_to(ducha, app, number, "jiaoguan").status_code == 403
    assert matter(app, number).department_id == dept(app, "ducha")


def test_the_unit_handling_a_routed_complaint_never_sees_who_complained(client, app, users):
    number, _ = file_on(app)
    login(client, users["supervisor"])
    route_to(client, app, number, "jiaoguan")
    staff_post(client, number, "decide", {"decision-decision": "accepted", "decision-day": "2026-10-01"})
    unit = signed_in(app, users["traffic"])
    page = unit.get(f"/staff/complaints/{number}").get_data(as_text=True)
    assert "工作人员态度粗暴" in page  # what happened: the unit needs it to handle the complaint
    assert not any(value in page for value in IDENTITY)
    assert "不向被投诉单位提供" in page and "《信访工作条例》第四十六条" in page
    letter = next(line for line in page.splitlines() if "/letters/" in line)
    letter_url = letter.split('href="')[1].split('"')[0]
    assert "李四" not in unit.get(letter_url).get_data(as_text=True)
    assert "李四" in client.get(f"/staff/complaints/{number}").get_data(as_text=True)


def test_with_the_unit_setting_its_staff_still_do_not_see_the_complainant(client, app, users,
                                                                          monkeypatch):
    monkeypatch.setitem(app.config, "COMPLAINT_HANDLER", "unit")
    number, _ = file_on(app)
    page = signed_in(app, users["traffic"]).get(f"/staff/complaints/{number}").get_data(as_text=True)
    assert "工作人员态度粗暴" in page and not any(value in page for value in IDENTITY)


def answer_then_review(client, app, users, first: int) -> str:
    """A complaint handled by ``first`` in 督察, answered, and then asked for 复查."""
    number, code = file_on(app, received=date(2026, 10, 30))
    login(client, users["supervisor"])
    staff_post(client, number, "decide", {"decision-decision": "accepted", "decision-day": "2026-11-02"})
    staff_post(client, number, "assign", {"assign-assignee_id": str(first)})
    handler = signed_in(app, "ducha1")
    assert staff_post(handler, number, "reply", {
        "reply-outcome": "not_upheld", "reply-day": "2026-11-10",
        "reply-reply_md": "经调查，民警已作说明。"}).status_code == 302
    citizen = app.test_client()
    post_form(citizen, "/track", {"tracking_no": number, "access_code": code})
    url = f"/complaints/{number}"
    post_form(citizen, f"{url}/rate", {"rating": "unsatisfied"}, form_url=url)
    post_form(citizen, f"{url}/review", {"reason": "调查不充分"}, form_url=url)
    assert matter(app, number).status == "reviewing"
    return number


def test_the_review_goes_to_someone_other_than_the_first_handler(pinned_today, client, app, users):
    first = make_staff(app, "ducha1", "ducha", "督察民警甲")
    second = make_staff(app, "ducha2", "ducha", "督察民警乙")
    number = answer_then_review(client, app, users, first)
    assert matter(app, number).assignee_id is None  # the first handler no longer holds it
    page = client.get(f"/staff/complaints/{number}").get_data(as_text=True)
    choices = page[page.index('id="assign-assignee_id"'):]
    choices = choices[:choices.index("</select>")]
    assert "督察民警甲" not in choices and "督察民警乙" in choices
    refused = staff_post(client, number, "assign", {"assign-assignee_id": str(first)})
    assert refused.status_code == 422 and "复查须由原处理人以外的人员办理" in refused.get_data(as_text=True)
    assert matter(app, number).assignee_id is None
    review = {"reply-outcome": "not_upheld", "reply-day": pinned_today.isoformat(),
              "reply-reply_md": "复查认为原处理意见正确。"}
    by_first = staff_post(signed_in(app, "ducha1"), number, "reply", review)
    assert by_first.status_code == 422 and "复查须由原处理人以外的人员办理" in by_first.get_data(as_text=True)
    assert matter(app, number).status == "reviewing"
    assert staff_post(client, number, "assign", {"assign-assignee_id": str(second)}).status_code == 302
    assert staff_post(signed_in(app, "ducha2"), number, "reply", review).status_code == 302
    assert matter(app, number).status == "reviewed"


def test_a_handler_setting_naming_no_department_is_a_form_error_not_a_500(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "COMPLAINT_HANDLER", "no-such-office")
    page = client.get("/complain").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/complain", data={
        "csrf_token": token, "complaint_type": "conduct", "about_department_id": str(dept(app, "jiaoguan")),
        "happened_on": "2026-11-01", "what_happened": "窗口工作人员态度很差，拒绝回答问题。", "wants": "道歉",
        "complainant_name": "李四", "phone": "13911112222", "email": ""})
    assert response.status_code == 200 and "投诉受理部门未配置" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Matter.id))) == 0
