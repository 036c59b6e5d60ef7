"""The session cookie is written only when the session changed (or must be refreshed), and every
answer that read the session says ``Vary: Cookie``: Flask's rules, kept by portal/sessions.py."""

from tests.feature.test_signed_tokens import login_token, post_login
from tests.helpers import CSRF_RE, login


def _set_cookies(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def test_an_unchanged_session_is_not_rewritten_but_varies_on_the_cookie(client):
    token = login_token(client)
    first = post_login(client, token)
    second = post_login(client, token)
    assert second.status_code == 200 and _set_cookies(second) == []
    assert "Cookie" in second.headers.get("Vary", "") and "Cookie" in first.headers.get("Vary", "")


def test_signing_in_and_out_write_the_cookie_and_plain_pages_do_not(client, users):
    response = login(client, users["staff"])
    assert response.status_code == 302 and any(c.startswith("session=") for c in _set_cookies(response))
    welcome = client.get("/staff/")  # shows (and removes) the welcome message: the session changed
    assert any(c.startswith("session=") for c in _set_cookies(welcome))
    page = client.get("/staff/")
    assert page.status_code == 200 and _set_cookies(page) == [] and "Cookie" in page.headers["Vary"]
    token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
    out = client.post("/logout", data={"csrf_token": token})
    assert out.status_code == 302 and any(c.startswith("session=") for c in _set_cookies(out))
    assert client.get("/staff/").status_code == 302  # signed out for real


def test_a_permanent_session_is_refreshed_on_every_answer(app, client):
    refresh = app.config["SESSION_REFRESH_EACH_REQUEST"]
    app.config["SESSION_REFRESH_EACH_REQUEST"] = True
    with client.session_transaction() as session:
        session.permanent = True
        session["marker"] = "x"
    try:
        assert any(c.startswith("session=") for c in _set_cookies(client.get("/login")))
    finally:
        app.config["SESSION_REFRESH_EACH_REQUEST"] = refresh
