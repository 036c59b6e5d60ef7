"""Security checks on every page of tests/pages.py: headers, cookies, CSRF, access control."""

import re

import pytest
from sqlalchemy import select

from portal.accounts.models import Department
from portal.extensions import db
from tests.helpers import PASSWORD, login
from tests.pages import PUBLIC_PAGES, STAFF_PAGES, SUPERVISOR_PAGES, fill


@pytest.fixture
def sample(demo_records):
    """A 户政 guide slug, a published notice id, a public penalty decision and the demo's request
    and complaint numbers."""
    return demo_records


def assert_secure_headers(response, path):
    csp = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp, path
    assert "frame-ancestors 'none'" in csp, path
    assert response.headers.get("X-Content-Type-Options") == "nosniff", path
    assert response.headers.get("X-Frame-Options") == "DENY", path
    assert response.headers.get("Referrer-Policy"), path


@pytest.mark.parametrize(("name", "path"), PUBLIC_PAGES, ids=[p[0] for p in PUBLIC_PAGES])
def test_public_pages_send_security_headers_and_no_inline_script(client, sample, name, path):
    response = client.get(fill(path, **sample))
    assert response.status_code in (200, 404), name
    assert_secure_headers(response, path)
    body = response.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), "inline script breaks the CSP"
    assert not re.search(r"\son[a-z]+=", body), "inline event handler"


@pytest.mark.parametrize(("name", "path"), STAFF_PAGES, ids=[p[0] for p in STAFF_PAGES])
def test_staff_pages_send_headers_and_are_not_cached(client, users, sample, name, path):
    login(client, users["staff"])
    response = client.get(fill(path, **sample))
    assert response.status_code == 200, name
    assert_secure_headers(response, path)
    assert response.headers.get("Cache-Control") == "no-store"


@pytest.mark.parametrize(("name", "path"), SUPERVISOR_PAGES, ids=[p[0] for p in SUPERVISOR_PAGES])
def test_supervisor_pages_send_headers_and_refuse_other_departments_staff(client, users, sample, name,
                                                                         path):
    login(client, users["staff"])  # 户政 staff: not the 公开办, not a supervisor
    assert client.get(fill(path, **sample)).status_code == 403
    supervisor = client.application.test_client()
    login(supervisor, users["supervisor"])
    response = supervisor.get(fill(path, **sample))
    assert response.status_code == 200
    assert_secure_headers(response, path)
    assert response.headers.get("Cache-Control") == "no-store"


ALL_STAFF_PAGES = STAFF_PAGES + SUPERVISOR_PAGES


@pytest.mark.parametrize(("name", "path"), ALL_STAFF_PAGES, ids=[p[0] for p in ALL_STAFF_PAGES])
def test_staff_pages_refuse_anonymous_visitors(client, sample, name, path):
    response = client.get(fill(path, **sample))
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_session_cookie_is_httponly_and_samesite(client, users):
    response = login(client, users["staff"])
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP by default


def test_session_cookie_is_secure_when_configured_for_https(make_app, monkeypatch):
    monkeypatch.setenv("PORTAL_HTTPS", "1")
    app = make_app()
    from portal.seed.content import load_content
    from tests.conftest import CONTENT_DIR

    with app.app_context():
        load_content(CONTENT_DIR)
        db.session.commit()
    client = app.test_client()
    page = client.get("/login", base_url="https://localhost")
    cookie = next(v for v in page.headers.getlist("Set-Cookie") if v.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie


@pytest.mark.parametrize(
    "path",
    ["/login", "/logout", "/staff/notices/new", "/staff/notices/1/publish",
     "/staff/notices/1/withdraw", "/staff/guides/{guide}/edit"],
)
def test_every_form_rejects_a_post_without_csrf_token(client, users, sample, path):
    login(client, users["staff"])
    response = client.post(fill(path, **sample), data={"title": "x", "username": "x",
                                                       "password": PASSWORD})
    assert response.status_code == 400
    assert "安全校验" in response.get_data(as_text=True)


def test_throttle_counts_per_address_across_usernames(client, users):
    # 20 failures from one address over many names lock the address out.
    for index in range(20):
        login(client, f"nobody{index}", "wrong-password")
    response = login(client, users["staff"])
    assert response.status_code == 429


def test_staff_cannot_see_other_departments_notices_in_lists(client, app, users):
    from portal.notices.services import save_notice

    with app.app_context():
        traffic = db.session.scalar(select(Department.id).where(Department.code == "jiaoguan"))
        save_notice(None, title="交管内部草稿标题", kind="通知公告", body_md="草稿", department_id=traffic,
                    review_due_on=None, author_id=None)
        db.session.commit()
    login(client, users["staff"])
    assert "交管内部草稿标题" not in client.get("/staff/notices/").get_data(as_text=True)
    assert "交管内部草稿标题" not in client.get("/staff/").get_data(as_text=True)
