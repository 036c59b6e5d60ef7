"""依申请公开 from the office's side: clarify, pause, extend (approved), withhold, reply, rate."""

from datetime import date

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.core.workdays import add_workdays
from portal.disclosure.models import DisclosureRequest
from portal.disclosure.services import file_request
from portal.extensions import db
from portal.matters.models import Matter
from portal.matters.services import new_submission_key
from tests.feature.test_requests import VALID_ID, form_data
from tests.helpers import csrf_token, login
from tests.upload_samples import plain_pdf

RECEIVED = date(2026, 9, 25)  # DOMAIN.md: due 2026-10-29


@pytest.fixture
def filed(app):
    """A request received on 2026-09-25, with its tracking number and access code."""
    with app.app_context():
        fields = {k: v for k, v in form_data().items() if k != "consent"} | {"org_kind": None}
        result = file_request(fields, submission_key=new_submission_key(), attachment=None,
                              received_on=RECEIVED)
        db.session.commit()
        return result.request.matter.tracking_no, result.access_code


def matter(app, number) -> Matter:
    with app.app_context():
        found = db.session.scalar(select(Matter).where(Matter.tracking_no == number))
        db.session.expunge(found)
        return found


def act(client, number, action, day, **extra):
    url = f"/staff/requests/{number}"
    data = {"csrf_token": csrf_token(client, url), "action-action": action,
            "action-day": day.isoformat(), "action-deadline": "", "action-days": "",
            "action-message": "", "action-note": "", "action-fee_method": "count",
            "action-pages": ""}
    data |= {f"action-{k}": v for k, v in extra.items()}
    return client.post(f"{url}/action", data=data)


def decide(client, number, what, decision="approve"):
    url = f"/staff/requests/{number}"
    return client.post(f"{url}/decide/{what}", data={
        "csrf_token": csrf_token(client, url), "decision-decision": decision, "decision-note": "同意"})


def send_reply(client, number, reply_type, sub_reason, text):
    url = f"/staff/requests/{number}"
    return client.post(f"{url}/reply", data={
        "csrf_token": csrf_token(client, url), "reply-reply_type": reply_type,
        "reply-sub_reason": sub_reason, "reply-reply_md": text})


def test_receipt_due_date_is_the_domain_case(app, filed):
    assert matter(app, filed[0]).due_on == date(2026, 10, 29)


def test_clarification_restarts_the_twenty_days(client, app, users, filed):
    number, _ = filed
    login(client, users["supervisor"])
    response = act(client, number, "clarification_requested", date(2026, 9, 30),
                   deadline="2026-10-20")
    assert response.status_code == 302
    found = matter(app, number)
    assert found.status == "awaiting_clarification" and found.due_on is None
    act(client, number, "clarification_received", date(2026, 10, 15))
    found = matter(app, number)
    assert found.due_on == add_workdays(date(2026, 10, 15), 20)
    assert any("2026-10-15" in step for step in found.clock_steps)


def test_consultation_pause_and_an_approved_extension_move_the_due_date(client, app, users, filed):
    number, _ = filed
    login(client, users["supervisor"])
    act(client, number, "consultation_started", date(2026, 10, 12))
    assert matter(app, number).due_on is None
    act(client, number, "consultation_ended", date(2026, 10, 19))
    paused = matter(app, number).due_on
    assert paused == add_workdays(date(2026, 10, 29), 5)  # 10-13..10-19 hold five working days
    act(client, number, "extension_requested", date(2026, 11, 2), days="15", note="需协调多个部门")
    assert matter(app, number).due_on == paused  # not before a supervisor approves
    assert decide(client, number, "extension").status_code == 302
    assert matter(app, number).due_on == add_workdays(paused, 15)
    act(client, number, "extension_requested", date(2026, 11, 3), days="5")
    response = decide(client, number, "extension")
    assert response.status_code == 422  # the law allows one extension only


def test_impossible_action_is_refused_and_leaves_nothing(client, app, users, filed):
    number, _ = filed
    login(client, users["supervisor"])
    before = len(matter(app, number).clock_steps)
    response = act(client, number, "consultation_ended", date(2026, 10, 5))
    assert response.status_code == 422
    assert len(matter(app, number).clock_steps) == before
    with app.app_context():
        found = db.session.scalar(select(Matter).where(Matter.tracking_no == number))
        assert [e.kind for e in found.events] == ["received"]


def test_partial_reply_needs_approval_then_the_applicant_sees_placeholders(client, app, users, filed):
    number, code = filed
    login(client, users["supervisor"])
    text = ("经查，2025年度行政处罚共 1234 件。[[不予公开:third-party]]其中涉及李四的处罚决定书[[/不予公开]]"
            "依法不予公开。")
    assert send_reply(client, number, "partly", "", text).status_code == 302
    assert matter(app, number).status == "reply_pending_approval"
    assert decide(client, number, "reply").status_code == 302
    assert matter(app, number).status == "replied"
    applicant = app.test_client()
    token = csrf_token(applicant, "/track")
    applicant.post("/track", data={"csrf_token": token, "tracking_no": number, "access_code": code})
    page = applicant.get(f"/track/{number}").get_data(as_text=True)
    assert "部分公开" in page and "1234 件" in page and "李四" not in page
    assert "【此处依据《政府信息公开条例》第十五条不予公开】" in page
    assert "六十日内" in page and "六个月内" in page  # remedies
    url = f"/track/{number}"
    rated = applicant.post(f"{url}/rate", data={"csrf_token": csrf_token(applicant, url),
                                                "rating": "unsatisfied", "comment": "太慢"})
    assert rated.status_code == 302
    with app.app_context():
        req = db.session.scalar(select(DisclosureRequest))
        assert req.rating == "unsatisfied"


def test_disclosed_reply_is_sent_without_approval_and_closes_the_request(client, app, users, filed):
    number, _ = filed
    login(client, users["staff"])  # 户政 staff: not the receiving 公开办
    assert client.get(f"/staff/requests/{number}").status_code == 403
    office = app.test_client()
    from portal.accounts.models import Role
    from portal.accounts.services import create_user
    from tests.helpers import PASSWORD

    with app.app_context():
        create_user("gkb1", PASSWORD, Role.STAFF, "gongkaiban", "公开办干部")
        db.session.commit()
    login(office, "gkb1")
    assert send_reply(office, number, "disclosed", "disclosed:provided", "请见附件统计表。").status_code == 302
    found = matter(app, number)
    assert found.status == "replied" and found.closed_on is not None


def test_staff_of_the_department_see_personal_data_and_the_view_is_audited(client, app, users, filed):
    number, _ = filed
    login(client, users["supervisor"])
    page = client.get(f"/staff/requests/{number}").get_data(as_text=True)
    assert VALID_ID in page and "张三" in page
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "personal_data.view"))
    admin = app.test_client()
    login(admin, users["admin"])
    page = admin.get(f"/staff/requests/{number}").get_data(as_text=True)
    assert VALID_ID not in page and "无权查看" in page  # administrators get no personal data


def test_applicant_is_told_by_email_through_the_outbox_with_masked_text(client, app, users, filed):
    from portal.outbox.models import OutboxMessage

    number, _ = filed
    login(client, users["supervisor"])
    act(client, number, "clarification_requested", date(2026, 9, 30), deadline="2026-10-20",
        message="请补充说明。如有疑问请联系经办人，手机13800001111。")
    text = "现予公开。[[不予公开:third-party]]王五的住址[[/不予公开]]"
    act(client, number, "clarification_received", date(2026, 10, 9))
    send_reply(client, number, "partly", "", text)
    decide(client, number, "reply")
    with app.app_context():
        messages = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.recipient == "zs@example.com").order_by(OutboxMessage.id)).all()
        subjects = [m.subject for m in messages]
        assert subjects == [f"政府信息公开申请已受理（{number}）", f"政府信息公开申请补正通知（{number}）",
                            f"政府信息公开申请答复（{number}）"]
        bodies = "".join(m.body for m in messages)
        assert "2026-10-29" in bodies and "138****1111" in bodies and "13800001111" not in bodies
        assert "王五的住址" not in bodies and "第十五条不予公开" in bodies


def test_fee_notice_by_volume_pauses_the_clock_until_paid(client, app, users, filed):
    number, _ = filed
    login(client, users["supervisor"])
    response = act(client, number, "fee_notice_sent", date(2026, 10, 12), deadline="2026-10-30",
                   fee_method="volume", pages="120")
    assert response.status_code == 302
    found = matter(app, number)
    assert found.status == "fee_pending" and found.due_on is None
    with app.app_context():
        event = db.session.scalar(select(Matter).where(Matter.tracking_no == number)).events[-1]
        assert "1100 元" in event.message and "2026-10-30" in event.message
    paid = act(client, number, "fee_paid", date(2026, 10, 19))
    assert paid.status_code == 302, paid.get_data(as_text=True)[-3000:]
    assert matter(app, number).due_on == add_workdays(date(2026, 10, 29), 5)


def test_fee_notice_is_refused_inside_the_free_allowance(client, app, users, filed):
    number, _ = filed
    login(client, users["supervisor"])
    response = act(client, number, "fee_notice_sent", date(2026, 10, 12), deadline="2026-10-30",
                   fee_method="count")
    assert response.status_code == 422 and "未超出免费范围" in response.get_data(as_text=True)


def test_similar_request_from_the_same_applicant_is_flagged_as_possible_repeat(client, app, users,
                                                                               filed):
    with app.app_context():
        fields = {k: v for k, v in form_data().items() if k != "consent"} | {"org_kind": None}
        fields["description"] = "请公开本局2025年度行政处罚统计数据。"
        again = file_request(fields, submission_key=new_submission_key(), attachment=None,
                             received_on=date(2026, 10, 8)).request
        db.session.commit()
        number = again.matter.tracking_no
    login(client, users["supervisor"])
    assert "疑似重复申请" in client.get("/staff/requests/").get_data(as_text=True)
    assert "可能属于重复申请" in client.get(f"/staff/requests/{number}").get_data(as_text=True)


def test_missed_clarification_deadline_closes_the_request_as_abandoned(client, app, users, filed):
    number, code = filed
    login(client, users["supervisor"])
    act(client, number, "clarification_requested", date(2026, 9, 30), deadline="2026-10-20")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["requests", "close-lapsed"])
    assert result.exit_code == 0 and number in result.output
    assert "已办结 0 件" in runner.invoke(args=["requests", "close-lapsed"]).output  # idempotent
    found = matter(app, number)
    assert found.status == "abandoned" and found.closed_on is not None
    with app.app_context():
        req = db.session.scalar(select(DisclosureRequest))
        assert (req.reply_type, req.reply_sub_reason) == ("other", "1")
    applicant = app.test_client()
    applicant.post("/track", data={"csrf_token": csrf_token(applicant, "/track"),
                                   "tracking_no": number, "access_code": code})
    assert "视为放弃" in applicant.get(f"/track/{number}").get_data(as_text=True)
    letter = applicant.get(f"/track/{number}/letter").get_data(as_text=True)
    assert "政府信息公开申请答复书" in letter and "申请人无正当理由逾期不补正" in letter
    assert "张三：" in letter and "六十日内" in letter


def test_queue_filters_overdue_and_by_assignee(client, app, users, filed):
    number, _ = filed  # due 2026-10-29: overdue today
    login(client, users["supervisor"])
    assert number in client.get("/staff/requests/?timing=overdue").get_data(as_text=True)
    assert number not in client.get("/staff/requests/?timing=due-soon").get_data(as_text=True)
    page = client.get("/staff/requests/").get_data(as_text=True)
    assert "逾期" in page
    from portal.accounts.models import User

    with app.app_context():
        staff_id = db.session.scalar(select(User.id).where(User.username == users["staff"]))
    url = f"/staff/requests/{number}"
    client.post(f"{url}/assign", data={"csrf_token": csrf_token(client, url),
                                       "assign-assignee_id": str(staff_id)})
    assert number in client.get(f"/staff/requests/?assignee={staff_id}").get_data(as_text=True)
    assert number not in client.get("/staff/requests/?assignee=999").get_data(as_text=True)


def test_supervisors_and_assignees_are_alerted_through_the_outbox(client, app, users, filed):
    from portal.outbox.models import OutboxMessage

    number, _ = filed
    login(client, users["supervisor"])
    act(client, number, "extension_requested", date(2026, 10, 20), days="10", note="复杂")
    with app.app_context():
        alerts = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.recipient == "super1@example.gov.cn")).all()
        assert [m.subject for m in alerts] == [f"待审批延期 {number}"]
        assert "张三" not in alerts[0].body and VALID_ID not in alerts[0].body


def test_reply_attachment_is_checked_by_content_and_reaches_the_applicant(client, app, users, filed):
    from io import BytesIO

    number, code = filed
    login(client, users["supervisor"])
    url = f"/staff/requests/{number}"
    bad = client.post(f"{url}/reply", data={
        "csrf_token": csrf_token(client, url), "reply-reply_type": "disclosed",
        "reply-sub_reason": "disclosed:provided", "reply-reply_md": "见附件。",
        "reply-attachment": (BytesIO(b"MZ not a pdf"), "table.pdf")}, content_type="multipart/form-data")
    assert bad.status_code == 422 and "只接受 PDF" in bad.get_data(as_text=True)
    assert matter(app, number).status == "received"
    pdf = plain_pdf()
    ok = client.post(f"{url}/reply", data={
        "csrf_token": csrf_token(client, url), "reply-reply_type": "disclosed",
        "reply-sub_reason": "disclosed:provided", "reply-reply_md": "见附件。",
        "reply-attachment": (BytesIO(pdf), "统计表.pdf")}, content_type="multipart/form-data")
    assert ok.status_code == 302
    applicant = app.test_client()
    applicant.post("/track", data={"csrf_token": csrf_token(applicant, "/track"), "tracking_no": number,
                                   "access_code": code})
    page = applicant.get(f"/track/{number}").get_data(as_text=True)
    assert "答复附件 1（PDF" in page and "统计表" not in page
    link = page.split(f"/track/{number}/files/")[1].split('"')[0]
    download = applicant.get(f"/track/{number}/files/{link}")
    assert download.data == pdf and download.mimetype == "application/pdf"
    assert "attachment;" in download.headers["Content-Disposition"]
    assert app.test_client().get(f"/track/{number}/files/{link}").status_code == 404  # no session


def test_clarification_notice_is_a_printable_letter(client, app, users, filed):
    number, code = filed
    login(client, users["supervisor"])
    act(client, number, "clarification_requested", date(2026, 9, 30), deadline="2026-10-20")
    applicant = app.test_client()
    applicant.post("/track", data={"csrf_token": csrf_token(applicant, "/track"), "tracking_no": number,
                                   "access_code": code})
    page = applicant.get(f"/track/{number}").get_data(as_text=True)
    link = page.split(f"/track/{number}/notices/")[1].split('"')[0]
    letter = applicant.get(f"/track/{number}/notices/{link}").get_data(as_text=True)
    assert "政府信息公开申请补正通知书" in letter and "第三十条" in letter and "2026-10-20" in letter
    assert "张三：" in letter  # the applicant's own letter is addressed to them by name
