"""Service guides show the promised limit beside the measured one where the portal measures it.

The guides for 政府信息公开申请 and 投诉 show, on the page and in the API, the statutory and
promised limits and the average days to reply and on-time share of the last 12 months,
computed from the matters, with the count behind them; "暂无数据" when there is none.
The clock is pinned: the matters are dated from today and their working days counted, which
needs today inside the years the working-day calendar covers.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.catalog.models import Guide
from portal.catalog.schema import MEASURED_BY
from portal.core.pii import id_check_digit
from portal.core.timefmt import local_today
from portal.extensions import db
from portal.matters.labels import KIND_LABELS
from portal.matters.models import Matter
from tests.conftest import CONTENT_DIR

REQUEST_GUIDE = "/guides/government-information-request"
COMPLAINT_GUIDE = "/guides/police-complaint"
ID17 = "11010519900307123"

pytestmark = pytest.mark.usefixtures("pinned_today")


def _request(days_ago: int, key: str, *, reply: bool = True):
    """A request received ``days_ago`` days ago, replied today (or left open)."""
    from portal.disclosure.services import file_request
    from portal.disclosure.services import reply as send_reply

    fields = {"applicant_type": "person", "org_kind": None, "applicant_name": "测试申请人",
              "id_type": "resident_id", "id_number": ID17 + id_check_digit(ID17),
              "phone": "13800000000", "email": "a@example.com", "address": "示例路1号",
              "description": f"请公开第{key}号统计数据。", "purpose": "", "delivery": "email"}
    filed = file_request(fields, submission_key=key, attachment=None,
                         received_on=local_today() - timedelta(days=days_ago)).request
    if reply:
        send_reply(filed, type_code="disclosed", sub_code="provided", text="予以公开。", actor_id=None,
                   supervisor_approved=True)
    return filed.matter


def _expected_workdays(matters: list[Matter]) -> float:
    from portal.calendar.services import load_calendar

    calendar = load_calendar()
    days = [calendar.count_workdays(m.received_on, m.closed_on) for m in matters]
    return round(sum(days) / len(days), 1)


def test_each_measured_guide_exists_and_names_a_kind_the_portal_measures(app):
    assert set(MEASURED_BY.values()) <= set(KIND_LABELS)
    with app.app_context():
        for slug in MEASURED_BY:
            assert (CONTENT_DIR / "guides" / f"{slug}.md").exists()
            assert db.session.scalar(select(Guide).where(Guide.slug == slug)) is not None


def test_without_matters_the_guides_say_no_data_yet(client):
    for url in (REQUEST_GUIDE, COMPLAINT_GUIDE):
        page = client.get(url).get_data(as_text=True)
        assert "实际办理（近 12 个月）" in page and "暂无数据" in page
        assert "20 个工作日" in page or "60 日（自然日）" in page
    measured = client.get("/api/v1" + REQUEST_GUIDE).get_json()["measured"]
    assert measured["replied"] == 0 and measured["average_days"] is None
    assert measured["on_time_share"] is None and measured["summary"] == "暂无数据"


def test_request_guide_shows_average_working_days_and_on_time_share_from_the_data(client, app):
    with app.app_context():
        matters = [_request(10, "m1"), _request(70, "m2"), _request(500, "too-old")]
        _request(5, "still-open", reply=False)
        db.session.commit()
        counted = matters[:2]
        expected = _expected_workdays(counted)
        late = [m.tracking_no for m in counted if m.closed_on > m.due_on]
    assert late == [counted[1].tracking_no]  # 70 days is past 20 working days; 10 days is not
    body = client.get("/api/v1" + REQUEST_GUIDE).get_json()
    measured = body["measured"]
    assert (measured["received"], measured["replied"], measured["on_time"]) == (3, 2, 1)
    assert measured["average_days"] == expected and measured["on_time_share"] == 0.5
    assert measured["unit"] == "working_days" and measured["kind"] == "request"
    assert body["statutory_limit"]["days"] == 20 and body["promised_limit"]["days"] == 20
    page = client.get(REQUEST_GUIDE).get_data(as_text=True)
    assert f"平均 {expected:.1f} 个工作日答复，按时答复 50%（1/2 件）" in page
    assert "共收到 3 件，已答复 2 件" in page
    assert "暂无数据" not in page


def test_complaint_guide_counts_calendar_days(client, app):
    from portal.accounts.models import Department
    from portal.complaints import services as complaints

    today = local_today()
    with app.app_context():
        about = db.session.scalar(select(Department.id).where(Department.code == "jiaoguan"))
        complaint = complaints.file_complaint(
            {"complaint_type": "conduct", "about_department_id": about, "officer_name": "",
             "officer_number": "", "happened_on": today - timedelta(days=25),
             "what_happened": "窗口态度生硬。", "wants": "改进", "anonymous": False,
             "complainant_name": "测试投诉人", "phone": "13800000001", "email": "c@example.com"},
            submission_key="c1", attachment=None, received_on=today - timedelta(days=20)).complaint
        complaints.decide_acceptance(complaint, "accepted", day=today - timedelta(days=18), reason="",
                                     transferred_to="", actor_id=None)
        complaints.reply(complaint, outcome="upheld", text="经查属实，已整改。",
                         day=today - timedelta(days=5), actor_id=None)
        db.session.commit()
    page = client.get(COMPLAINT_GUIDE).get_data(as_text=True)
    assert "平均 15.0 日（自然日）答复，按时答复 100%（1/1 件）" in page
    measured = client.get("/api/v1" + COMPLAINT_GUIDE).get_json()["measured"]
    assert measured["unit"] == "calendar_days" and measured["average_days"] == 15.0
    # the request guide is not affected by complaints
    assert client.get("/api/v1" + REQUEST_GUIDE).get_json()["measured"]["received"] == 0


def test_guides_the_portal_does_not_handle_show_no_measured_column(client):
    page = client.get("/guides/ordinary-passport").get_data(as_text=True)
    assert "实际办理" not in page and "暂无数据" not in page
    assert client.get("/api/v1/guides/ordinary-passport").get_json()["measured"] is None


def test_the_page_cache_never_keeps_an_old_figure_after_a_reply(client, app):
    assert app.config["PAGE_CACHE_SECONDS"] > 0
    assert "暂无数据" in client.get(REQUEST_GUIDE).get_data(as_text=True)
    assert "暂无数据" in client.get(REQUEST_GUIDE).get_data(as_text=True)  # now from the cache
    with app.app_context():
        _request(3, "fresh")  # a reply is a write: every cached page is dropped at commit
        db.session.commit()
    page = client.get(REQUEST_GUIDE).get_data(as_text=True)
    assert "暂无数据" not in page and "按时答复 100%（1/1 件）" in page
    assert "按时答复 100%（1/1 件）" in client.get(REQUEST_GUIDE + "/print").get_data(as_text=True)
