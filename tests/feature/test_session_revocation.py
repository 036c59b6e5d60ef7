"""Sessions the server ends: a copy of the session cookie taken before logout, a password change,
a reset, disabling the account or "end all sessions" opens nothing afterwards; idle and overlong
sessions end on their own."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from tests.helpers import PASSWORD, csrf_token, login, post_form

STAFF_PAGE = "/staff/requests/"
TIMED_OUT = "登录已超时，请重新登录。"


def _signed_in(app, username: str, password: str = PASSWORD):
    client = app.test_client()
    assert login(client, username, password).status_code == 302
    assert client.get(STAFF_PAGE).status_code == 200
    return client


def _replay(app, cookie: str):
    """What another browser presenting a copied session cookie gets on a staff page."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get(STAFF_PAGE)


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def _user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


@pytest.fixture
def staff_cookie(app, users):
    """A staff member's signed-in browser and a copy of its session cookie."""
    browser = _signed_in(app, users["staff"])
    cookie = browser.get_cookie("session").value
    assert _replay(app, cookie).status_code == 200  # the copy works while the session lives
    return browser, cookie


def test_logout_ends_the_copied_session(app, staff_cookie):
    browser, cookie = staff_cookie
    assert browser.post("/logout", data={"csrf_token": csrf_token(browser, "/staff/")}).status_code == 302
    assert _is_login_redirect(_replay(app, cookie))


def test_changing_ones_password_ends_other_sessions_but_not_this_one(app, users, staff_cookie):
    _browser, cookie = staff_cookie
    other = _signed_in(app, users["staff"])
    response = post_form(other, "/staff/password", {
        "old_password": PASSWORD, "new_password": "a-brand-new-secret", "confirm": "a-brand-new-secret"})
    assert response.status_code == 302
    assert other.get(STAFF_PAGE).status_code == 200
    assert _is_login_redirect(_replay(app, cookie))
    assert login(app.test_client(), users["staff"], "a-brand-new-secret").status_code == 302


def test_a_wrong_current_password_changes_nothing(app, users, staff_cookie):
    browser, cookie = staff_cookie
    response = post_form(browser, "/staff/password", {
        "old_password": "not-my-password", "new_password": "a-brand-new-secret",
        "confirm": "a-brand-new-secret"})
    assert response.status_code == 422 and "原密码不正确" in response.get_data(as_text=True)
    assert _replay(app, cookie).status_code == 200
    mismatch = post_form(browser, "/staff/password", {
        "old_password": PASSWORD, "new_password": "a-brand-new-secret", "confirm": "another-secret-1"})
    assert mismatch.status_code == 422 and "两次输入的新密码不一致" in mismatch.get_data(as_text=True)


def test_an_administrators_reset_ends_the_sessions(app, users, staff_cookie):
    _browser, cookie = staff_cookie
    admin = _signed_in(app, users["admin"])
    url = f"/staff/accounts/{_user_id(app, users['staff'])}"
    shown = post_form(admin, f"{url}/password", {"password_mode": "generate"}, form_url=url)
    assert shown.status_code == 200
    password = re.search(r"<code>([^<]+)</code>", shown.get_data(as_text=True)).group(1)
    assert _is_login_redirect(_replay(app, cookie))
    assert login(app.test_client(), users["staff"]).status_code == 401
    assert login(app.test_client(), users["staff"], password).status_code == 302
    typed = post_form(admin, f"{url}/password", {"password_mode": "manual", "password": "typed-by-admin",
                                                  "confirm": "typed-by-admin"}, form_url=url)
    assert typed.status_code == 302
    staff = app.test_client()
    assert login(staff, users["staff"], "typed-by-admin").status_code == 302
    assert staff.get(STAFF_PAGE).status_code == 200  # a typed password is not a one-time one
    assert password not in admin.get(url).get_data(as_text=True)  # shown once only


def test_disabling_an_account_ends_its_sessions(app, users, staff_cookie):
    _browser, cookie = staff_cookie
    admin = _signed_in(app, users["admin"])
    url = f"/staff/accounts/{_user_id(app, users['staff'])}"
    assert post_form(admin, f"{url}/disable", {}, form_url=url).status_code == 302
    assert _is_login_redirect(_replay(app, cookie))
    assert login(app.test_client(), users["staff"]).status_code == 401
    assert post_form(admin, f"{url}/enable", {}, form_url=url).status_code == 302
    assert _is_login_redirect(_replay(app, cookie))  # enabling again does not revive old sessions
    assert login(app.test_client(), users["staff"]).status_code == 302


def test_end_all_sessions_ends_every_browser_of_the_account(app, users, staff_cookie):
    browser, cookie = staff_cookie
    admin = _signed_in(app, users["admin"])
    url = f"/staff/accounts/{_user_id(app, users['staff'])}"
    response = post_form(admin, f"{url}/sessions", {}, form_url=url)
    assert response.status_code == 302
    assert "全部会话已结束" in admin.get(response.headers["Location"]).get_data(as_text=True)
    assert _is_login_redirect(_replay(app, cookie))
    assert _is_login_redirect(browser.get(STAFF_PAGE))
    assert admin.get(STAFF_PAGE).status_code == 200  # the administrator's own session is untouched


class Clock:
    """The portal's session clock, moved by hand (``portal.auth.sessions.clock``)."""

    def __init__(self, monkeypatch) -> None:
        self.now = 1_800_000_000
        monkeypatch.setattr("portal.auth.sessions.clock", lambda: self.now)

    def advance(self, minutes: float) -> None:
        """Move the clock ``minutes`` forward."""
        self.now += int(minutes * 60)


def _timed_out(client) -> bool:
    response = client.get(STAFF_PAGE)
    if not _is_login_redirect(response):
        return False
    return TIMED_OUT in client.get(response.headers["Location"]).get_data(as_text=True)


def test_an_idle_session_ends_after_the_idle_timeout(app, users, monkeypatch):
    clock = Clock(monkeypatch)
    browser = _signed_in(app, users["staff"])
    clock.advance(29)
    assert browser.get(STAFF_PAGE).status_code == 200  # activity: the idle time starts again
    clock.advance(29)
    assert browser.get(STAFF_PAGE).status_code == 200
    clock.advance(31)
    assert _timed_out(browser)
    assert browser.get("/staff/").status_code == 302  # signed out, not just redirected once


def test_the_idle_timeout_is_configurable(app, users, monkeypatch):
    app.config["STAFF_IDLE_MINUTES"] = 5
    clock = Clock(monkeypatch)
    browser = _signed_in(app, users["staff"])
    clock.advance(6)
    assert _timed_out(browser)


def test_an_active_session_still_ends_after_its_lifetime(app, users, monkeypatch):
    clock = Clock(monkeypatch)
    browser = _signed_in(app, users["staff"])
    for _ in range(11 * 3 + 2):  # a request every 20 minutes for 11 h 40 min
        clock.advance(20)
        assert browser.get(STAFF_PAGE).status_code == 200
    clock.advance(21)  # 12 h 01 min after login
    assert _timed_out(browser)


def test_reading_public_pages_does_not_keep_a_session_alive(app, users, monkeypatch):
    clock = Clock(monkeypatch)
    browser = _signed_in(app, users["staff"])
    for _ in range(3):
        clock.advance(10)
        assert "退出" in browser.get("/guides/").get_data(as_text=True)
    clock.advance(10)
    page = browser.get("/guides/").get_data(as_text=True)  # shown as to any visitor, with the reason
    assert TIMED_OUT in page and "退出" not in page
    assert _is_login_redirect(browser.get(STAFF_PAGE))


def test_a_valid_remember_cookie_does_not_outlive_the_session_rules(app, users):
    from flask_login import encode_cookie

    with app.test_request_context():
        staff = db.session.scalar(select(User).where(User.username == users["staff"]))
        cookie = encode_cookie(staff.get_id())
    visitor = app.test_client()
    visitor.set_cookie(app.config.get("REMEMBER_COOKIE_NAME", "remember_token"), cookie)
    assert _is_login_redirect(visitor.get(STAFF_PAGE))


def test_ending_sessions_on_one_machine_holds_on_another(app, users, make_app):
    other_machine = make_app()  # a second process on the same database and SECRET_KEY
    browser = _signed_in(app, users["staff"])
    cookie = browser.get_cookie("session").value
    assert _replay(other_machine, cookie).status_code == 200
    browser.post("/logout", data={"csrf_token": csrf_token(browser, "/staff/")})
    assert _is_login_redirect(_replay(other_machine, cookie))
