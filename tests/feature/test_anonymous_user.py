"""The short path for visitors who are not signed in (portal/login.py) gives the same answers as
Flask-Login's full user load: anonymous only when nothing could identify a user."""

from flask import g
from flask_login import LoginManager, current_user
from flask_login.signals import user_accessed

from tests.helpers import login


def _page_shows_staff_header(response) -> bool:
    return "退出" in response.get_data(as_text=True)


def test_a_visitor_with_a_session_but_no_user_is_anonymous_and_the_user_access_is_signalled(app, client):
    client.get("/login")  # a session now exists (the form's CSRF secret), with no user in it
    seen = []

    def accessed(sender):
        seen.append(sender)

    user_accessed.connect(accessed, app)
    try:
        with client:
            response = client.get("/login")  # not from the page cache: the view runs
            assert not current_user.is_authenticated
            assert g._login_user.is_anonymous
    finally:
        user_accessed.disconnect(accessed, app)
    assert response.status_code == 200 and not _page_shows_staff_header(response)
    assert seen == [app]


def test_signed_in_staff_are_still_loaded_from_the_session(client, users):
    login(client, users["staff"])
    response = client.get("/")
    assert _page_shows_staff_header(response)
    assert client.get("/staff/").status_code == 200


def test_a_remember_cookie_goes_through_flask_logins_own_load(app, client, users):
    from portal.extensions import login_manager

    calls = []
    original = LoginManager._load_user_from_remember_cookie

    def spy(self, cookie):
        calls.append(cookie)
        return original(self, cookie)

    LoginManager._load_user_from_remember_cookie = spy
    try:
        client.set_cookie(app.config.get("REMEMBER_COOKIE_NAME", "remember_token"), "not-a-valid-cookie")
        with client:
            client.get("/login")
            assert not current_user.is_authenticated  # an invalid cookie identifies nobody
    finally:
        LoginManager._load_user_from_remember_cookie = original
    assert calls == ["not-a-valid-cookie"]
    assert login_manager._request_callback is None  # else every request would take the full load


def test_session_protection_still_applies_to_a_signed_in_session(app, client, users):
    app.config["SESSION_PROTECTION"] = "strong"
    try:
        login(client, users["staff"])
        assert client.get("/staff/").status_code == 200
        # Another browser presenting the same session cookie: strong protection drops the user.
        moved = client.get("/staff/", headers={"User-Agent": "a different browser"})
        assert moved.status_code == 302 and "/login" in moved.headers["Location"]
    finally:
        app.config.pop("SESSION_PROTECTION")
