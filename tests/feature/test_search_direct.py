"""The results page answered before Flask for visitors without a session: the same bytes the
view gives, and every request it cannot answer still reaches the view."""

from __future__ import annotations

import pytest

from portal.search.direct import Shell
from portal.search.services import PAGES

URLS = [
    "/search?q=护照",
    "/search?q=身份证&type=guide",
    "/search?q=证明&page=2",
    "/search?q=麒麟卡不存在的词",  # nothing found: suggestions and guide categories
    "/search?q=<b>户口</b>",  # the query is shown escaped in the title and the results
]


def _spy(app) -> list[str]:
    """Paths answered by the direct answer (it is wrapped to record them)."""
    answers = app.extensions["direct_answers"].answers
    original, seen = answers["/search"], []

    def recorded(visit):
        response = original(visit)
        if response is not None:
            seen.append(visit.request.full_path)
        return response

    answers["/search"] = recorded
    return seen


def _through_the_view(app, url: str, *, care: bool) -> bytes:
    """The page as the view renders it: the visitor carries an (empty) session cookie."""
    client = app.test_client()
    client.set_cookie("session", "", domain="localhost")
    if care:
        client.set_cookie("care_mode", "1", domain="localhost")
    PAGES.clear()
    response = client.get(url)
    assert response.status_code == 200
    return response.data


@pytest.mark.parametrize("care", [False, True], ids=["standard", "care"])
def test_direct_page_is_byte_for_byte_the_views_page(app, care):
    seen = _spy(app)
    for url in URLS:
        expected = _through_the_view(app, url, care=care)
        assert seen == []
        PAGES.clear()
        client = app.test_client()
        if care:
            client.set_cookie("care_mode", "1", domain="localhost")
        direct = client.get(url)
        assert seen == [direct.request.full_path]
        seen.clear()
        assert direct.status_code == 200
        assert direct.data.decode() == expected.decode()
        assert direct.headers["Content-Security-Policy"]  # inside the security headers
        assert "Cookie" in direct.headers["Vary"]
        assert direct.headers["Content-Type"] == "text/html; charset=utf-8"
        assert int(direct.headers["Content-Length"]) == len(direct.data)


def test_each_query_gets_its_own_title_and_switch_link(app, client):
    first = client.get("/search?q=护照").get_data(as_text=True)
    second = client.get("/search?q=驾驶证").get_data(as_text=True)
    assert "<title>“驾驶证”的搜索结果" in second
    assert "护照" not in second.split("<main", 1)[0]
    assert "next=/search%3Fq%3D%E9%A9%BE" in second  # the care switch returns to this query
    assert "next=/search%3Fq%3D%E6%8A%A4" in first


def test_visitors_with_state_and_other_requests_go_to_the_view(app, client):
    seen = _spy(app)
    assert client.get("/search").status_code == 200  # no query: the view's search page
    signed = app.test_client()
    signed.set_cookie("remember_token", "x", domain="localhost")
    assert signed.get("/search?q=护照").status_code == 200
    assert client.head("/search?q=户口").status_code == 200
    assert seen == []
    bad = client.get("/search?q=%FF%FE")  # not UTF-8: the view's clear 400 page
    assert bad.status_code == 400
    assert "提交的内容无法处理" in bad.get_data(as_text=True)
    assert seen == []


def test_a_failing_direct_answer_leaves_the_page_to_the_view(app, client, monkeypatch, caplog):
    from portal.search import direct

    def broken(*_args, **_kwargs):
        raise RuntimeError("layout broke")

    monkeypatch.setattr(direct.Shell, "fill", broken)
    PAGES.clear()
    response = client.get("/search?q=护照")
    assert response.status_code == 200
    assert "“护照”的搜索结果" in response.get_data(as_text=True)
    assert "direct answer for /search failed" in caplog.text


def test_shell_is_cut_only_at_marks_found_exactly_once():
    marks = {"title": "\x1et\x1e", "content": "\x1ec\x1e"}
    shell = Shell.cut("<title>\x1et\x1e</title><main>\x1ec\x1e</main>", marks)
    assert shell is not None
    assert shell.fill({"title": "T", "content": "C"}) == "<title>T</title><main>C</main>"
    assert Shell.cut("<title>\x1et\x1e</title>", marks) is None
    assert Shell.cut("\x1et\x1e\x1ec\x1e\x1ec\x1e", marks) is None
