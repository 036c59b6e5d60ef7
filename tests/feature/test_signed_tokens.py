"""CSRF tokens and signed session cookies: a form posted back with its own session's fresh token is
accepted; a missing, tampered, foreign or expired token, or a forged or expired session, is refused
with the Chinese "page expired" message."""

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


def test_a_token_is_accepted_as_often_as_the_form_is_posted_back(client):
    token = login_token(client)
    response = post_login(client, token)
    assert response.status_code == 200 and EMPTY_USERNAME in response.get_data(as_text=True)
    again = post_login(client, token)  # within its time limit the same token still holds
    assert again.status_code == 200 and EMPTY_USERNAME in again.get_data(as_text=True)
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


def test_a_token_expires_with_its_time_limit(make_app):
    app = make_app(WTF_CSRF_TIME_LIMIT=1)
    client = app.test_client()
    token = login_token(client)
    assert post_login(client, token).status_code == 200
    time.sleep(2.2)
    response = post_login(client, token)
    assert response.status_code == 400 and EXPIRED in response.get_data(as_text=True)
    fresh = login_token(client)  # the page signs a new one
    assert fresh != token and post_login(client, fresh).status_code == 200


def test_a_session_cookie_expires_with_the_session_lifetime(make_app):
    app = make_app(PERMANENT_SESSION_LIFETIME=1)
    client = app.test_client()
    token = login_token(client)
    assert post_login(client, token).status_code == 200
    time.sleep(2.2)
    response = post_login(client, token)  # same cookie, now too old: an empty session, no secret
    assert response.status_code == 400 and EXPIRED in response.get_data(as_text=True)


def test_a_forged_session_cookie_gives_an_empty_session(client):
    token = login_token(client)
    cookie = session_cookie(client)
    assert post_login(client, token).status_code == 200
    client.set_cookie("session", cookie[:-3] + ("abc" if not cookie.endswith("abc") else "xyz"))
    assert post_login(client, token).status_code == 400


def test_a_changed_secret_key_invalidates_cookies_and_tokens(app):
    client = app.test_client()
    token = login_token(client)
    assert post_login(client, token).status_code == 200
    app.secret_key = "rotated-secret"
    assert post_login(client, token).status_code == 400


def test_flashed_messages_show_once(client, users):
    token = login_token(client)
    response = client.post("/login", data={"csrf_token": token, "username": users["staff"],
                                           "password": PASSWORD})
    assert response.status_code == 302
    welcome = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "欢迎" in welcome
    assert "欢迎" not in client.get(response.headers["Location"]).get_data(as_text=True)
