"""The session cookie is written only when the session changed (or must be refreshed); answers that
are the same for every visitor (static files, the open-data API, feeds) never set one."""

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


# Answers that are the same for every visitor: a shared cache may keep one copy for all of them.
VISITOR_INDEPENDENT = ("/static/style.css", "/api/v1/guides", "/api/v1/no-such-thing", "/search/suggest?q=身份证",
                       "/sitemap.xml", "/notices/feed.xml")


def _assert_same_for_everyone(client) -> None:
    for path in VISITOR_INDEPENDENT:
        for attempt in ("first", "again"):  # rendered, then (feeds) from the page cache
            response = client.get(path)
            response.close()  # a static file is streamed from disk
            assert response.status_code in (200, 404), path
            assert _set_cookies(response) == [], f"{path} ({attempt}) sets a cookie"


def test_shared_answers_set_no_cookie_for_a_visitor(client):
    login_token(client)  # the visitor has a session (the login form's CSRF secret)
    client.get("/")  # which Flask-Login's session protection marks not fresh, once
    _assert_same_for_everyone(client)


def test_signed_in_staff_get_the_same_shared_answers(client, users):
    login(client, users["staff"])
    client.get("/staff/")  # shows the welcome message
    _assert_same_for_everyone(client)
    page = client.get("/guides/")
    assert "Cookie" in page.headers["Vary"] and "退出" in page.get_data(as_text=True)
