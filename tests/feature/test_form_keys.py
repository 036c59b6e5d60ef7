"""The hidden form key files one submission per form and browser, and never fetches someone
else's receipt."""

import re

from sqlalchemy import func, select

from portal.extensions import db
from portal.matters.models import Matter
from tests.feature.test_requests import form_data, receipt_of, submit
from tests.helpers import csrf_token


def _matters(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Matter))


def test_the_same_browser_posting_twice_files_once(app, client):
    first, data = submit(client)
    again = client.post("/apply", data=data, content_type="multipart/form-data")
    assert receipt_of(again) == receipt_of(first)
    assert "请勿重复提交" in again.get_data(as_text=True)
    assert _matters(app) == 1


def test_a_key_from_another_browser_files_a_new_request(app, client):
    first, data = submit(client)
    number, code = receipt_of(first)
    other = app.test_client()
    token = csrf_token(other, "/apply")
    stolen = other.post("/apply", data=data | {"csrf_token": token, "applicant_name": "王五"},
                        content_type="multipart/form-data")
    assert stolen.status_code == 200
    body = stolen.get_data(as_text=True)
    assert number not in body and code not in body and "请勿重复提交" not in body
    assert receipt_of(stolen)[0] != number
    assert _matters(app) == 2


def test_a_made_up_key_counts_as_absent(app, client):
    token = csrf_token(client, "/apply")
    data = form_data() | {"csrf_token": token, "submission_key": "demo-request-1"}
    numbers = {receipt_of(client.post("/apply", data=data, content_type="multipart/form-data"))[0]
               for _ in range(2)}
    assert len(numbers) == 2  # nothing to repeat: each post is filed


def test_a_complaint_key_from_another_browser_files_a_new_complaint(app, client):
    page = client.get("/complain").get_data(as_text=True)
    key = re.search(r'name="submission_key" type="hidden" value="([^"]+)"', page).group(1)
    department = re.search(r'<option value="(\d+)"', page).group(1)
    data = {"submission_key": key, "complaint_type": "conduct", "about_department_id": department,
            "officer_name": "", "officer_number": "", "happened_on": "2026-11-01",
            "what_happened": "窗口工作人员态度很差，拒绝回答问题。", "wants": "道歉",
            "complainant_name": "李四", "phone": "13911112222", "email": ""}
    first = client.post("/complain", data=data | {"csrf_token": csrf_token(client, "/complain")})
    number = re.search(r"TS-\d{4}-\d{6}", first.get_data(as_text=True)).group(0)
    other = app.test_client()
    stolen = other.post("/complain", data=data | {"csrf_token": csrf_token(other, "/complain")})
    body = stolen.get_data(as_text=True)
    assert number not in body and re.search(r"TS-\d{4}-\d{6}", body)
