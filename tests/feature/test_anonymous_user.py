"""Who a request is signed in as: nobody unless the session or a valid remember cookie says so."""

from flask_login import current_user

from tests.helpers import login


def _page_shows_staff_header(response) -> bool:
    return "退出" in response.get_data(as_text=True)


def test_a_visitor_with_a_session_but_no_user_is_anonymous(client):
    client.get("/login")  # a session now exists (the form's CSRF secret), with no user in it
    with client:
        response = client.get("/login")
        assert not current_user.is_authenticated
    assert response.status_code == 200 and not _page_shows_staff_header(response)
    assert client.get("/staff/").status_code == 302


def test_signed_in_staff_are_loaded_from_the_session(client, users):
    login(client, users["staff"])
    response = client.get("/")
    assert _page_shows_staff_header(response)
    assert client.get("/staff/").status_code == 200


def test_an_invalid_remember_cookie_identifies_nobody(app, client):
    client.set_cookie(app.config.get("REMEMBER_COOKIE_NAME", "remember_token"), "not-a-valid-cookie")
    with client:
        response = client.get("/login")
        assert not current_user.is_authenticated
    assert not _page_shows_staff_header(response)
    assert client.get("/staff/").status_code == 302


def test_session_protection_applies_to_a_signed_in_session(app, client, users):
    app.config["SESSION_PROTECTION"] = "strong"
    try:
        login(client, users["staff"])
        assert client.get("/staff/").status_code == 200
        # Another browser presenting the same session cookie: strong protection drops the user.
        moved = client.get("/staff/", headers={"User-Agent": "a different browser"})
        assert moved.status_code == 302 and "/login" in moved.headers["Location"]
    finally:
        app.config.pop("SESSION_PROTECTION")
