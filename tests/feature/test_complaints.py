"""投诉: filing (named and anonymous), acceptance, assignment rules, extension, reply, 复查,
statistics and de-identified summaries."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from portal.accounts.models import Department, Role, User
from portal.accounts.services import create_user
from portal.complaints.models import Complaint
from portal.complaints.services import file_complaint
from portal.extensions import db
from portal.matters.models import Matter
from portal.matters.services import new_submission_key
from tests.helpers import PASSWORD, csrf_token, login, post_form
from tests.upload_samples import image_bytes


def dept(app, code):
    with app.app_context():
        return db.session.scalar(select(Department.id).where(Department.code == code))


def fields(app, **changes):
    data = {"complaint_type": "conduct", "about_department_id": dept(app, "jiaoguan"),
            "officer_name": "", "officer_number": "", "happened_on": date(2026, 9, 20),
            "what_happened": "在窗口办理驾驶证换证时，工作人员态度粗暴，拒绝解释所需材料。",
            "wants": "请核实并道歉", "anonymous": False, "complainant_name": "李四",
            "phone": "13911112222", "email": "ls@example.com"}
    return data | changes


def file_on(app, received=date(2026, 9, 25), **changes) -> tuple[str, str | None]:
    with app.app_context():
        filed = file_complaint(fields(app, **changes), submission_key=new_submission_key(),
                               attachment=None, received_on=received)
        db.session.commit()
        return filed.complaint.matter.tracking_no, filed.access_code


def matter(app, number) -> Matter:
    with app.app_context():
        found = db.session.scalar(select(Matter).where(Matter.tracking_no == number))
        db.session.expunge(found)
        return found


def staff_post(client, number, action, data):
    url = f"/staff/complaints/{number}"
    return client.post(f"{url}/{action}", data={"csrf_token": csrf_token(client, url), **data})


def test_filing_through_the_form_gives_a_ts_receipt(client, app):
    page = client.get("/complain").get_data(as_text=True)
    assert "匿名投诉" in page and "无法查询进度" in page
    key = re.search(r'name="submission_key" type="hidden" value="([^"]+)"', page).group(1)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = {"csrf_token": token, "submission_key": key, "complaint_type": "conduct",
            "about_department_id": str(dept(app, "jiaoguan")), "officer_name": "",
            "officer_number": "", "happened_on": "2026-11-01",
            "what_happened": "窗口工作人员态度很差，拒绝回答问题。", "wants": "道歉",
            "complainant_name": "李四", "phone": "13911112222", "email": ""}
    response = client.post("/complain", data=data)
    body = response.get_data(as_text=True)
    assert re.search(r"TS-\d{4}-000001", body) and "查询码" in body
    again = client.post("/complain", data=data)
    assert "请勿重复提交" in again.get_data(as_text=True)


def test_anonymous_complaint_gets_no_code_and_keeps_no_contact(client, app):
    number, code = file_on(app, anonymous=True, complainant_name="", phone="", email="")
    assert code is None and number.startswith("TS-")
    response = client.post("/complain", data={"csrf_token": csrf_token(client, "/complain"),
                                              "complaint_type": "other", "anonymous": "y",
                                              "about_department_id": str(dept(app, "zhian")),
                                              "happened_on": "2026-11-01",
                                              "what_happened": "某派出所民警执勤时玩手机不理群众。",
                                              "wants": "整改", "phone": "13911112222"})
    body = response.get_data(as_text=True)
    assert "匿名投诉" in body and "查询码</dt>" not in body
    with app.app_context():
        newest = db.session.scalars(select(Complaint).order_by(Complaint.matter_id.desc())).first()
        assert newest.anonymous and newest.phone == ""


def test_named_complaint_without_contact_is_refused(client, app):
    response = client.post("/complain", data={"csrf_token": csrf_token(client, "/complain"),
                                              "complaint_type": "other",
                                              "about_department_id": str(dept(app, "zhian")),
                                              "happened_on": "2026-11-01",
                                              "what_happened": "某派出所民警执勤时玩手机不理群众。",
                                              "wants": "整改"})
    body = response.get_data(as_text=True)
    assert "请填写姓名，或选择匿名投诉" in body
    with app.app_context():
        assert db.session.scalar(select(Complaint)) is None


def test_acceptance_within_15_days_then_60_then_one_30_day_extension(client, app, users):
    number, _ = file_on(app)
    assert matter(app, number).due_on == date(2026, 10, 10)
    login(client, users["supervisor"])
    response = staff_post(client, number, "decide", {"decision-decision": "accepted",
                                                     "decision-day": "2026-10-09"})
    assert response.status_code == 302
    assert matter(app, number).due_on == date(2026, 12, 8)
    staff_post(client, number, "extension", {"ext-days": "30", "ext-reason": "需调取监控"})
    assert matter(app, number).due_on == date(2026, 12, 8)  # until approved
    url = f"/staff/complaints/{number}"
    client.post(f"{url}/extension/approve", data={"csrf_token": csrf_token(client, url)})
    found = matter(app, number)
    assert found.due_on == date(2027, 1, 7)
    assert any("延长" in step for step in found.clock_steps)


def test_extension_over_the_cap_is_refused(client, app, users):
    number, _ = file_on(app)
    login(client, users["supervisor"])
    staff_post(client, number, "decide", {"decision-decision": "accepted", "decision-day": "2026-10-09"})
    response = staff_post(client, number, "extension", {"ext-days": "31", "ext-reason": "太复杂"})
    assert response.status_code == 422 and "延长期限最长 30 日" in response.get_data(as_text=True)
    found = matter(app, number)
    assert found.status == "accepted" and found.due_on == date(2026, 12, 8)


def test_not_accepted_needs_a_reason_and_transfer_names_the_agency(client, app, users):
    number, _ = file_on(app)
    login(client, users["supervisor"])
    refused = staff_post(client, number, "decide", {"decision-decision": "not_accepted",
                                                    "decision-day": "2026-10-01", "decision-reason": ""})
    assert refused.status_code == 422 and "不予受理须说明理由" in refused.get_data(as_text=True)
    staff_post(client, number, "decide", {"decision-decision": "transferred", "decision-day": "2026-10-01",
                                          "decision-transferred_to": "示例市市场监督管理局"})
    found = matter(app, number)
    assert found.status == "transferred" and found.closed_on == date(2026, 10, 1)


def test_officer_and_their_supervisor_never_handle_it_and_head_complaints_go_to_ducha(
        client, app, users, monkeypatch):
    monkeypatch.setitem(app.config, "COMPLAINT_HANDLER", "unit")  # the unit handles its own
    with app.app_context():
        chief = create_user("chief1", PASSWORD, Role.STAFF, "jiaoguan", "交管大队长")
        chief.is_department_head = True
        officer = create_user("officer1", PASSWORD, Role.STAFF, "jiaoguan", "王警官")
        officer.police_number, officer.supervisor_id = "012345", chief.id
        db.session.commit()
    number, _ = file_on(app, officer_number="012345")
    assert matter(app, number).department_id == dept(app, "jiaoguan")
    for username in ("officer1", "chief1"):
        other = app.test_client()
        login(other, username)
        assert other.get(f"/staff/complaints/{number}").status_code == 403
        assert number not in other.get("/staff/complaints/").get_data(as_text=True)
    login(client, users["supervisor"])
    with app.app_context():
        officer_id = db.session.scalar(select(User.id).where(User.username == "officer1"))
    response = staff_post(client, number, "assign", {"assign-assignee_id": str(officer_id)})
    assert response.status_code == 422 and "不能分配给被投诉民警本人或其直接上级" in response.get_data(as_text=True)
    about_head, _ = file_on(app, officer_name="交管大队长")
    assert matter(app, about_head).department_id == dept(app, "ducha")


def reply_and_track(client, app, users, number, code, outcome="not_upheld"):
    login(client, users["supervisor"])
    staff_post(client, number, "decide", {"decision-decision": "accepted", "decision-day": "2026-11-02"})
    staff_post(client, number, "reply", {"reply-outcome": outcome, "reply-day": "2026-11-10",
                                         "reply-reply_md": "经调查，[[姓名]]王小明[[/姓名]]民警已作说明。"})
    citizen = app.test_client()
    citizen.post("/track", data={"csrf_token": csrf_token(citizen, "/track"), "tracking_no": number,
                                 "access_code": code})
    return citizen


def test_complainant_sees_reply_rates_unsatisfied_and_requests_review(pinned_today, client, app, users):
    # pinned: 复查 may be asked for within 30 days of the 2026-11-10 reply, counted to today
    number, code = file_on(app, received=date(2026, 10, 30))
    citizen = reply_and_track(client, app, users, number, code)
    page = citizen.get(f"/complaints/{number}").get_data(as_text=True)
    assert "投诉不属实" in page and "王某某" in page and "王小明" not in page
    url = f"/complaints/{number}"
    citizen.post(f"{url}/rate", data={"csrf_token": csrf_token(citizen, url), "rating": "unsatisfied"})
    page = citizen.get(url).get_data(as_text=True)
    assert "申请复查" in page
    response = citizen.post(f"{url}/review", data={"csrf_token": csrf_token(citizen, url),
                                                   "reason": "调查不充分"})
    assert response.status_code == 302
    found = matter(app, number)
    assert found.status == "reviewing" and found.closed_on is None
    assert found.due_on is not None  # 30 days from the review request


@pytest.mark.parametrize("rating", ["satisfied", "fair"])
def test_review_is_offered_only_after_an_unsatisfied_rating(client, app, users, rating):
    number, code = file_on(app, received=date(2026, 10, 30))
    citizen = reply_and_track(client, app, users, number, code)
    url = f"/complaints/{number}"
    citizen.post(f"{url}/rate", data={"csrf_token": csrf_token(citizen, url), "rating": rating})
    assert "申请复查的理由" not in citizen.get(url).get_data(as_text=True)


def test_statistics_and_published_summary_never_show_names(client, app, users):
    number, code = file_on(app, officer_name="王小明", officer_number="654321",
                           received=date(2026, 10, 30))
    reply_and_track(client, app, users, number, code, outcome="upheld")
    url = f"/staff/complaints/{number}"
    response = post_form(client, f"{url}/summary", {
        "summary-summary_md": "投诉人[[姓名]]李四[[/姓名]]反映窗口民警态度问题，经查属实，已批评教育。"},
        form_url=url)
    assert response.status_code == 302
    public = app.test_client()
    outcomes = public.get("/complaints/outcomes").get_data(as_text=True)
    assert "李某" in outcomes and "李四" not in outcomes and "王小明" not in outcomes
    assert "654321" not in outcomes and "投诉属实" in outcomes
    stats = public.get("/complaints/statistics").get_data(as_text=True)
    assert "2026-10" in stats and "态度作风 1" in stats and "100%" in stats
    assert "李四" not in stats and "王小明" not in stats


def test_admin_changes_a_types_time_limits(client, app, users):
    number, _ = file_on(app)
    login(client, users["admin"])
    page = client.get("/staff/complaints/policies").get_data(as_text=True)
    data = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)}
    for ctype in ("unfair", "conduct", "misconduct", "inaction", "fees", "other"):
        data |= {f"{ctype}-unit": "calendar_days", f"{ctype}-accept_days": "10",
                 f"{ctype}-handle_days": "45", f"{ctype}-max_extension_days": "30",
                 f"{ctype}-review_window_days": "30", f"{ctype}-review_days": "30"}
    assert client.post("/staff/complaints/policies", data=data).status_code == 302
    assert matter(app, number).due_on == date(2026, 10, 5)  # recomputed with 10 days
    data["conduct-handle_days"] = "0"
    assert client.post("/staff/complaints/policies", data=data).status_code == 422


def test_evidence_is_judged_by_content(client, app):
    from io import BytesIO

    def post(upload):
        return client.post("/complain", data={
            "csrf_token": csrf_token(client, "/complain"), "complaint_type": "other",
            "about_department_id": str(dept(app, "zhian")), "happened_on": "2026-11-01",
            "what_happened": "某派出所民警执勤时玩手机不理群众。", "wants": "整改",
            "complainant_name": "李四", "phone": "13911112222", "attachment": upload},
            content_type="multipart/form-data")

    refused = post((BytesIO(b"<html>not an image</html>"), "photo.jpg"))
    assert "只接受 PDF、JPEG 或 PNG" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Complaint)) is None
    accepted = post((BytesIO(image_bytes("JPEG")), "photo.png"))
    assert "投诉回执" in accepted.get_data(as_text=True)
    with app.app_context():
        complaint = db.session.scalar(select(Complaint))
        assert complaint.matter.attachments[0].content_type == "image/jpeg"


def test_a_bookmarked_complaint_link_opens_the_lookup_form_with_the_number(client, app):
    number, code = file_on(app)
    new_browser = app.test_client()
    bookmark = new_browser.get(f"/complaints/{number}")
    assert bookmark.status_code == 302 and bookmark.headers["Location"] == f"/track?no={number}"
    form = new_browser.get(bookmark.headers["Location"]).get_data(as_text=True)
    assert f'value="{number}"' in form and "王小明" not in form
    new_browser.post("/track", data={"csrf_token": csrf_token(new_browser, "/track"),
                                     "tracking_no": number, "access_code": code})
    assert number in new_browser.get(f"/complaints/{number}").get_data(as_text=True)


def test_the_unit_complained_about_starts_unchosen_and_must_be_chosen(client, app):
    page = client.get("/complain").get_data(as_text=True)
    select = page[page.index('id="about_department_id"'):]
    select = select[:select.index("</select>")]
    assert '<option selected value="">请选择</option>' in select and select.count("selected") == 1
    data = {"csrf_token": csrf_token(client, "/complain"), "complaint_type": "conduct",
            "about_department_id": "", "happened_on": "2026-11-01",
            "what_happened": "窗口工作人员态度很差，拒绝回答问题。", "wants": "道歉",
            "complainant_name": "李四", "phone": "13911112222", "email": ""}
    refused = client.post("/complain", data=data)
    assert refused.status_code == 200 and "请选择被投诉单位。" in refused.get_data(as_text=True)
    assert "Not a valid choice" not in refused.get_data(as_text=True)
