"""The layout built once (portal/web/layout.py): visitors see the same header on every page, signed-in
staff see theirs with their name and a working logout; links follow the script root."""

import re

from tests.helpers import CSRF_RE, login

HEADER = re.compile(r'<header class="site-header">.*?</header>', re.S)


def header_of(page) -> str:
    match = HEADER.search(page.get_data(as_text=True))
    assert match, "no site header"
    return match.group(0)


def test_visitors_get_one_header_with_the_login_link(client):
    headers = {header_of(client.get(path)) for path in ("/", "/guides/", "/notices/", "/login", "/no-such")}
    assert len(headers) == 1
    header = headers.pop()
    assert 'href="/login"' in header and "工作人员登录" in header
    assert 'href="/guides/"' in header and 'action="/search"' in header
    assert "退出" not in header and "工作台" not in header


def test_signed_in_staff_get_their_name_and_a_working_logout(client, users):
    login(client, users["staff"])
    header = header_of(client.get("/"))
    assert "户政民警" in header and "工作台" in header and "工作人员登录" not in header
    token = CSRF_RE.search(header).group(1)
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert "工作人员登录" in header_of(client.get("/"))


def test_links_follow_the_script_root(app):
    client = app.test_client()
    page = client.get("/guides/", base_url="http://localhost/portal")
    header = header_of(page)
    assert 'href="/portal/login"' in header and 'href="/portal/guides/"' in header
    assert 'href="/login"' not in header
    assert '/portal/static/style.css' in page.get_data(as_text=True)
    assert 'href="/login"' in header_of(client.get("/guides/"))  # the other root keeps its own (page cache too)


FLASH = re.compile(r'<p class="flash flash-(\w+)">([^<]*)</p>')


def test_flashed_messages_show_once_with_their_category(client, users):
    response = login(client, users["staff"], "wrong-password")  # flashed and shown in the same request
    assert response.status_code == 401
    assert FLASH.findall(response.get_data(as_text=True)) == [("error", "用户名或密码错误。")]
    assert FLASH.findall(client.get("/login").get_data(as_text=True)) == []  # consumed
    login(client, users["staff"])
    welcome = client.get("/staff/")  # the redirect's next page shows the welcome, once
    assert FLASH.findall(welcome.get_data(as_text=True)) == [("success", "欢迎，户政民警。")]
    assert FLASH.findall(client.get("/staff/").get_data(as_text=True)) == []
