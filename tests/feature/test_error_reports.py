"""我为网站找错: the footer link carries the page's address, bad input is refused in Chinese,
staff answer, and the public statistics count the reports."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.error_reports.models import ErrorReport
from portal.extensions import db
from portal.outbox.models import OutboxMessage
from tests.helpers import csrf_token, login, post_form


def stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ErrorReport)) or 0


def test_every_page_links_to_the_form_with_its_address_filled_in(client):
    guides = client.get("/guides/").get_data(as_text=True)
    assert 'href="/report-error/?page=/guides/"' in guides and "我为网站找错" in guides
    form = client.get("/report-error/?page=/guides/").get_data(as_text=True)
    assert 'value="/guides/"' in form
    elsewhere = client.get("/report-error/?page=https://evil.example/phish").get_data(as_text=True)
    # Only this site's pages are filled in (the 关怀版 switch may carry the visited address back).
    assert 'value="https://evil.example' not in elsewhere and 'value="/guides/"' not in elsewhere


def test_bad_input_is_refused_in_chinese_and_stores_nothing(client, app):
    page = post_form(client, "/report-error/", {"page_url": "/guides/", "category": "", "description": ""})
    body = page.get_data(as_text=True)
    assert "请选择问题类型。" in body and "请描述发现的问题。" in body
    forged = client.post("/report-error/", data={"category": "broken_link", "description": "链接打不开了"})
    assert forged.status_code == 400  # no CSRF token
    assert stored(app) == 0


def test_a_report_reaches_staff_is_answered_and_counted(client, app, users):
    response = post_form(client, "/report-error/", {
        "page_url": "/guides/", "category": "broken_link", "description": "第二个链接打不开。",
        "contact": "reporter@example.com"}, form_url="/report-error/?page=/guides/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/report-error/thanks")
    login(client, users["supervisor"])
    listing = client.get("/staff/error-reports/").get_data(as_text=True)
    assert "链接失效" in listing and "/guides/" in listing and "待处理" in listing
    with app.app_context():
        report_id = db.session.scalar(select(ErrorReport.id))
    url = f"/staff/error-reports/{report_id}"
    assert "第二个链接打不开。" in client.get(url).get_data(as_text=True)
    empty = client.post(f"{url}/answer", data={"csrf_token": csrf_token(client, url), "answer": ""})
    assert empty.status_code == 422 and "请填写处理情况。" in empty.get_data(as_text=True)
    client.post(f"{url}/answer", data={"csrf_token": csrf_token(client, url), "answer": "已修复链接。"})
    assert "已答复" in client.get("/staff/error-reports/").get_data(as_text=True)
    with app.app_context():
        mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "reporter@example.com"))
        assert mail is not None and "已修复链接。" in mail.body
    statistics = app.test_client().get("/report-error/statistics").get_data(as_text=True)
    assert "链接失效" in statistics and "第二个链接打不开" not in statistics
    row = statistics[statistics.index("<tbody>"):]
    assert '<td data-label="收到">1</td>' in row and '<td data-label="已答复">1</td>' in row


def test_staff_of_other_departments_do_not_see_reports(client, app, users):
    post_form(client, "/report-error/", {"page_url": "/", "category": "other", "description": "首页文字有错别字。"})
    login(client, users["staff"])  # 户政: reports go to 政务公开办公室
    assert "首页文字有错别字" not in client.get("/staff/error-reports/").get_data(as_text=True)
    with app.app_context():
        report_id = db.session.scalar(select(ErrorReport.id))
    assert client.get(f"/staff/error-reports/{report_id}").status_code == 403
