"""依申请公开 from the citizen's side: file, receipt, idempotency, lookup, validation."""

import re
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.core.pii import id_check_digit
from portal.core.timefmt import local_today
from portal.core.workdays import add_workdays
from portal.extensions import db
from portal.matters.models import Matter
from tests.helpers import csrf_token
from tests.upload_samples import image_bytes

ID17 = "11010519900307123"
VALID_ID = ID17 + id_check_digit(ID17)


def form_data(**changes) -> dict:
    data = {"applicant_type": "person", "org_kind": "", "applicant_name": "张三",
            "id_type": "resident_id", "id_number": VALID_ID, "phone": "13912345678",
            "email": "zs@example.com", "address": "示例市示例路1号",
            "description": "请公开本局2025年度行政处罚统计数据", "purpose": "", "delivery": "email",
            "consent": "y"}
    return data | changes


def submit(client, **changes):
    page = client.get("/apply").get_data(as_text=True)
    key = re.search(r'name="submission_key" type="hidden" value="([^"]+)"', page).group(1)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = form_data(**changes) | {"csrf_token": token, "submission_key": key}
    return client.post("/apply", data=data, content_type="multipart/form-data"), data


def receipt_of(response) -> tuple[str, str]:
    body = response.get_data(as_text=True)
    number = re.search(r"GK-\d{4}-\d{6}", body).group(0)
    code = re.search(r'查询码</dt><dd><strong class="big">([A-Z0-9]{8})<', body).group(1)
    return number, code


def count(app, model=Matter) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_filing_gives_a_receipt_with_number_code_and_computed_due_date(pinned_today, client, app):
    # pinned: the 20 working days from today are counted with a calendar that covers them
    response, _ = submit(client)
    assert response.status_code == 200
    number, code = receipt_of(response)
    today = local_today()
    assert today == pinned_today
    assert number == f"GK-{today.year}-000001"
    body = response.get_data(as_text=True)
    assert add_workdays(today, 20).isoformat() in body  # the clock's date, not a guess
    assert "20 个工作日" in body
    assert "<dt>受理机关</dt><dd>示例市公安局（政务公开办公室）</dd>" in body  # the bureau, not the website
    with app.app_context():
        matter = db.session.scalar(select(Matter))
        assert code not in matter.access_code_hash  # stored hashed
    second, _ = submit(client)
    assert receipt_of(second)[0] == f"GK-{today.year}-000002"


def test_the_same_form_submitted_twice_creates_one_request_and_shows_the_same_code(client, app):
    first, data = submit(client)
    again = client.post("/apply", data=data, content_type="multipart/form-data")
    assert receipt_of(again) == receipt_of(first)
    assert "请勿重复提交" in again.get_data(as_text=True)
    assert count(app) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id_number": ID17 + ("0" if id_check_digit(ID17) != "0" else "1")}, "居民身份证号码不正确"),
        ({"phone": "12345"}, "11 位手机号码"),
        ({"consent": ""}, "个人信息保护说明"),
        ({"description": ""}, "请描述所需的政府信息"),
        ({"applicant_type": "org", "org_kind": ""}, "请选择组织类型"),
        ({"email": "", "delivery": "email"}, "请填写电子邮箱"),
    ],
)
def test_bad_input_is_explained_in_chinese_keeps_what_was_typed_and_saves_nothing(client, app, changes,
                                                                                message):
    response, _ = submit(client, **changes)
    body = response.get_data(as_text=True)
    assert message in body
    assert "示例市示例路1号" in body  # what was typed is kept
    assert count(app) == 0


def test_attachments_are_judged_by_content_not_name(client, app):
    from io import BytesIO

    fake = (BytesIO(b"#!/bin/sh\necho not a pdf"), "evidence.pdf")
    response, _ = submit(client, attachment=fake)
    assert "只接受 PDF、JPEG 或 PNG" in response.get_data(as_text=True)
    assert count(app) == 0
    png = (BytesIO(image_bytes("PNG")), "photo.pdf")
    response, _ = submit(client, attachment=png)
    assert response.status_code == 200 and "GK-" in response.get_data(as_text=True)
    with app.app_context():
        matter = db.session.scalar(select(Matter))
        assert matter.attachments[0].content_type == "image/png"


def test_complaints_dressed_as_requests_are_redirected_first(client, app):
    response, _data = submit(client, description="我要投诉民警态度恶劣，要求处理")
    body = response.get_data(as_text=True)
    assert "第三十九条" in body and "投诉" in body
    assert count(app) == 0


def test_status_lookup_needs_the_code_and_never_confirms_a_number(client, app):
    response, _ = submit(client)
    number, code = receipt_of(response)
    stranger = app.test_client()
    token = csrf_token(stranger, "/track")
    wrong = stranger.post("/track", data={"csrf_token": token, "tracking_no": number,
                                          "access_code": "WRONG234"})
    unknown = stranger.post("/track", data={"csrf_token": token, "tracking_no": "GK-2026-999999",
                                            "access_code": "WRONG234"})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.get_data(as_text=True).count("受理编号或查询码不正确") == 1
    # No session, no page: a bookmark leads to the lookup form, whether the number exists or not.
    for asked in (number, "GK-2026-999999"):
        bookmark = stranger.get(f"/track/{asked}")
        assert bookmark.status_code == 302 and bookmark.headers["Location"] == f"/track?no={asked}"
    assert stranger.get(f"/track/{number}/letter").status_code == 404
    ok = stranger.post("/track", data={"csrf_token": token, "tracking_no": number,
                                       "access_code": code.lower()})
    assert ok.status_code == 302
    page = stranger.get(ok.headers["Location"]).get_data(as_text=True)
    assert number in page and "已受理，办理中" in page and "20 个工作日" in page
    assert "张三" not in page and VALID_ID not in page


def test_wrong_codes_are_throttled(client, app):
    token = csrf_token(client, "/track")
    for _ in range(10):
        client.post("/track", data={"csrf_token": token, "tracking_no": "GK-2026-000001",
                                    "access_code": "BADCODE2"})
    response = client.post("/track", data={"csrf_token": token, "tracking_no": "GK-2026-000001",
                                           "access_code": "BADCODE2"})
    assert response.status_code == 429 and "查询失败次数过多" in response.get_data(as_text=True)


def test_tracking_numbers_are_gap_free_under_concurrent_submissions(app, monkeypatch):
    from portal.disclosure import services
    from portal.matters.services import new_submission_key

    errors = []
    notify = services.notify_applicant

    def notify_or_fail(req, kind, text, event_id):
        if "放弃" in req.description:
            raise RuntimeError("the submission fails after taking its number")
        notify(req, kind, text, event_id)

    monkeypatch.setattr(services, "notify_applicant", notify_or_fail)

    def worker(index: int) -> None:
        with app.app_context():
            fields = {k: v for k, v in form_data().items() if k not in ("consent",)}
            fields["description"] = f"第 {index} 份并发申请：请公开某项统计数据{index}"
            if index % 5 == 0:  # a submission that fails after taking its number gives it back
                fields["description"] += "（放弃）"
            fields["org_kind"] = None
            try:
                services.file_request(fields, submission_key=new_submission_key(), attachment=None,
                                      received_on=date(2026, 11, 2))
            except RuntimeError:
                db.session.rollback()
            except Exception as exc:
                errors.append(exc)
            db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(1, 21)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with app.app_context():
        numbers = sorted(db.session.scalars(select(Matter.tracking_no)))
    assert numbers == [f"GK-2026-{n:06d}" for n in range(1, 17)]


def test_a_bookmarked_status_link_opens_the_lookup_form_with_the_number(client, app):
    response, _ = submit(client)
    number, code = receipt_of(response)
    new_browser = app.test_client()
    form = new_browser.get(f"/track/{number}", follow_redirects=True).get_data(as_text=True)
    assert f'value="{number}"' in form and "查询码" in form and "张三" not in form
    odd = new_browser.get("/track/<script>", follow_redirects=True).get_data(as_text=True)
    assert "<script>" not in odd and 'name="tracking_no"' in odd
    token = csrf_token(new_browser, "/track")
    found = new_browser.post("/track", data={"csrf_token": token, "tracking_no": number, "access_code": code})
    assert new_browser.get(found.headers["Location"]).status_code == 200


def test_radio_groups_are_fieldsets_with_each_label_beside_its_radio(client):
    page = client.get("/apply").get_data(as_text=True)
    group = page[page.index('id="applicant_type"'):]
    group = group[:group.index("</fieldset>")]
    assert "<legend>申请人类型</legend>" in group and "<ul" not in group
    assert re.search(r'<label class="check"><input[^>]*type="radio"[^>]*> 自然人</label>', group)
    assert 'for="applicant_type"' not in page and 'for="delivery"' not in page


def test_no_delivery_is_chosen_for_the_applicant(client):
    page = client.get("/apply").get_data(as_text=True)
    group = page[page.index('id="delivery"'):]
    group = group[:group.index("</fieldset>")]
    assert "checked" not in group and "电子邮件" in group
