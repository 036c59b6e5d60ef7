"""Remembered CSRF tokens and session cookies (portal/csrf.py, portal/sessions.py) stay as strict
as Flask-WTF's and Flask's own checks: reused and remembered only where the answer is the same."""

import re
import time

from tests.helpers import PASSWORD

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
EMPTY_USERNAME = "请输入用户名。"
EXPIRED = "页面已过期或缺少安全校验"


def login_token(client) -> str:
    """The CSRF token of the login form as the page shows it."""
    page = client.get("/login")
    assert page.status_code == 200
    return TOKEN.search(page.get_data(as_text=True)).group(1)


def post_login(client, token: str, username: str = ""):
    return client.post("/login", data={"csrf_token": token, "username": username, "password": "x"})


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_pages_of_one_session_share_a_recent_token_and_it_is_accepted(client):
    first = login_token(client)
    assert login_token(client) == first  # signed once, shown again
    response = post_login(client, first)
    assert response.status_code == 200 and EMPTY_USERNAME in response.get_data(as_text=True)
    again = post_login(client, first)  # the re-shown form carries the same token: still accepted
    assert again.status_code == 200 and EMPTY_USERNAME in again.get_data(as_text=True)


def test_a_token_signed_by_another_worker_is_verified_in_full(client):
    from portal.extensions import csrf

    token = login_token(client)
    csrf._issued.clear()  # as if another worker had signed it: this one never saw it
    csrf._by_session.clear()
    for _attempt in ("verified by Flask-WTF", "remembered since"):
        response = post_login(client, token)
        assert response.status_code == 200 and EMPTY_USERNAME in response.get_data(as_text=True)
    # Changed in its first character (the last one of a base64 signature may carry only padding bits).
    assert post_login(client, ("J" if token[0] != "J" else "K") + token[1:]).status_code == 400


def test_another_sessions_token_is_refused(app):
    alice, mallory = app.test_client(), app.test_client()
    token = login_token(alice)
    login_token(mallory)  # mallory has a session secret of her own
    response = post_login(mallory, token)
    assert response.status_code == 400 and EXPIRED in response.get_data(as_text=True)


def test_tampered_and_missing_tokens_are_refused(client):
    token = login_token(client)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (tampered, "", "not-a-token"):
        response = post_login(client, bad)
        assert response.status_code == 400, bad
        assert EXPIRED in response.get_data(as_text=True)


def test_a_remembered_token_expires_with_its_time_limit(make_app):
    app = make_app(WTF_CSRF_TIME_LIMIT=1)
    client = app.test_client()
    token = login_token(client)
    assert post_login(client, token).status_code == 200
    time.sleep(2.2)
    response = post_login(client, token)
    assert response.status_code == 400 and EXPIRED in response.get_data(as_text=True)
    fresh = login_token(client)  # older than the reuse window allows: a new one is signed
    assert fresh != token and post_login(client, fresh).status_code == 200


def test_a_remembered_session_cookie_expires_with_the_session_lifetime(make_app):
    app = make_app(PERMANENT_SESSION_LIFETIME=1)
    client = app.test_client()
    token = login_token(client)
    assert post_login(client, token).status_code == 200  # the cookie is now verified and remembered
    time.sleep(2.2)
    response = post_login(client, token)  # same cookie, now too old: an empty session, no secret
    assert response.status_code == 400 and EXPIRED in response.get_data(as_text=True)


def test_a_forged_session_cookie_gives_an_empty_session(client):
    token = login_token(client)
    cookie = session_cookie(client)
    assert post_login(client, token).status_code == 200
    client.set_cookie("session", cookie[:-3] + ("abc" if not cookie.endswith("abc") else "xyz"))
    assert post_login(client, token).status_code == 400


def test_a_changed_secret_key_forgets_remembered_cookies_and_tokens(app):
    client = app.test_client()
    token = login_token(client)
    assert post_login(client, token).status_code == 200
    app.secret_key = "rotated-secret"
    assert post_login(client, token).status_code == 400


def test_flashed_messages_are_not_shared_between_requests(client, users):
    """A session holding flashed messages is not remembered: each request sees its own copy."""
    token = login_token(client)
    response = client.post("/login", data={"csrf_token": token, "username": users["staff"],
                                           "password": PASSWORD})
    assert response.status_code == 302
    welcome = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "欢迎" in welcome
    assert "欢迎" not in client.get(response.headers["Location"]).get_data(as_text=True)
