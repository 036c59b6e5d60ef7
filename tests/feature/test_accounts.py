"""Login, throttling, CSRF, roles and the users CLI."""

from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from tests.helpers import PASSWORD, csrf_token, login, post_form


def test_login_and_logout(client, users):
    response = login(client, users["staff"])
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    assert "工作台" in client.get("/staff/").get_data(as_text=True)
    token = csrf_token(client, "/staff/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/staff/").status_code == 302  # back to the login page


def test_wrong_password_is_refused_in_chinese(client, users):
    response = login(client, users["staff"], "wrong-password")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_passwords_are_hashed_with_a_modern_algorithm(app, users):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == users["staff"]))
        assert PASSWORD not in user.password_hash
        assert user.password_hash.startswith(("scrypt:", "pbkdf2:sha256:600000", "argon2"))


def test_login_is_throttled_after_repeated_failures(client, users):
    for _ in range(5):
        assert login(client, users["staff"], "wrong-password").status_code == 401
    response = login(client, users["staff"])  # even the right password is refused now
    assert response.status_code == 429
    assert "登录失败次数过多" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_post_without_csrf_token_is_rejected(client, users):
    response = client.post("/login", data={"username": users["staff"], "password": PASSWORD})
    assert response.status_code == 400
    assert "安全校验" in response.get_data(as_text=True)


def test_staff_pages_refuse_anonymous_visitors(client):
    for url in ("/staff/", "/staff/notices/", "/staff/notices/new", "/staff/guides/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_next_parameter_cannot_redirect_off_site(client, users):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"):
        response = post_form(client, f"/login?next={target}",
                             {"username": users["staff"], "password": PASSWORD},
                             form_url="/login")
        assert response.headers["Location"] == "/staff/", target
        client.post("/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    response = post_form(client, "/login?next=/staff/notices/",
                         {"username": users["staff"], "password": PASSWORD}, form_url="/login")
    assert response.headers["Location"] == "/staff/notices/"


def test_users_create_reads_password_from_stdin(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "wangwu", "--role", "staff",
                                 "--department", "zhian"], input="a-long-password\n")
    assert result.exit_code == 0, result.output
    client = app.test_client()
    assert login(client, "wangwu", "a-long-password").status_code == 302


def test_users_create_refuses_staff_without_department_and_short_passwords(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "lisi", "--role", "staff"],
                           input="a-long-password\n")
    assert result.exit_code != 0 and "部门" in result.output
    result = runner.invoke(args=["users", "create", "lisi", "--role", "admin"], input="short\n")
    assert result.exit_code != 0 and "密码至少" in result.output
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "lisi")) is None
