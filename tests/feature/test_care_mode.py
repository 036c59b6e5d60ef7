"""关怀版 (elderly-friendly mode): a plain link on every page switches it on and off, a cookie
remembers it, and the page cache keeps each mode's page apart."""

import re

import pytest

from portal.web.care import CARE_COOKIE

SWITCH = re.compile(r'<a class="mode-switch" href="([^"]+)">([^<]+)</a>')


def switch_on(page) -> tuple[str, str]:
    match = SWITCH.search(page.get_data(as_text=True))
    assert match, "no mode switch on the page"
    return match.group(1).replace("&amp;", "&"), match.group(2)


def in_care_mode(page) -> bool:
    return '<html lang="zh-CN" class="care">' in page.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/guides/", "/notices/", "/login", "/search?q=身份证", "/no-such-page"])
def test_every_page_offers_the_switch_back_to_itself(client, path):
    href, label = switch_on(client.get(path))
    assert label.startswith("关怀版")
    response = client.get(href)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(path.replace("身份证", "%E8%BA%AB%E4%BB%BD%E8%AF%81"))
    assert CARE_COOKIE in response.headers["Set-Cookie"]


def test_the_mode_is_remembered_and_can_be_left(client):
    href, _ = switch_on(client.get("/guides/"))
    client.get(href)
    page = client.get("/notices/")
    assert in_care_mode(page)
    back, label = switch_on(page)
    assert label == "返回标准版"
    client.get(back)
    assert not in_care_mode(client.get("/notices/"))


def test_care_mode_hides_no_link_of_the_header(client):
    standard = client.get("/").get_data(as_text=True)
    client.set_cookie(CARE_COOKIE, "1")
    care = client.get("/").get_data(as_text=True)
    links = re.compile(r'<a[^>]*href="(/(?!care-mode)[^"]*)"')
    assert set(links.findall(standard)) <= set(links.findall(care))
    assert len(links.findall(standard)) > 10
    assert "site-header-care" in care and "site-header-care" not in standard


def test_cached_pages_never_cross_modes(client):
    assert not in_care_mode(client.get("/guides/"))
    assert client.get("/guides/").headers["X-Page-Cache"] == "hit"
    client.set_cookie(CARE_COOKIE, "1")
    first = client.get("/guides/")
    assert first.headers["X-Page-Cache"] == "miss" and in_care_mode(first)
    again = client.get("/guides/")
    assert again.headers["X-Page-Cache"] == "hit" and in_care_mode(again)
    client.delete_cookie(CARE_COOKIE)
    standard = client.get("/guides/")
    assert standard.headers["X-Page-Cache"] == "hit" and not in_care_mode(standard)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", ""])
def test_the_switch_never_sends_anyone_to_another_site(client, target):
    response = client.get("/care-mode", query_string={"to": "on", "next": target})
    assert response.status_code == 303
    assert response.headers["Location"] in {"/", "http://localhost/"}


def test_remembered_search_pages_never_cross_modes(client):
    assert not in_care_mode(client.get("/search?q=身份证"))
    client.set_cookie(CARE_COOKIE, "1")
    assert in_care_mode(client.get("/search?q=身份证"))
    client.delete_cookie(CARE_COOKIE)
    assert not in_care_mode(client.get("/search?q=身份证"))
