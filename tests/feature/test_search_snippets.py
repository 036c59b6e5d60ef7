"""Highlighted titles and snippets: the citizen sees their words marked, never raw HTML."""

from __future__ import annotations

from portal.search.snippets import highlight_all, snippet, spans


def test_longer_words_win_and_matches_do_not_overlap():
    words = frozenset({"身份证", "身份", "居民身份证"})
    assert spans("居民身份证补领身份证", words) == [(0, 5), (7, 10)]
    assert spans("没有相关内容", words) == []


def test_everything_outside_the_marks_is_escaped_and_ascii_is_case_insensitive():
    assert highlight_all("<b>SFZ</b> 身份证", frozenset({"sfz"})) == "&lt;b&gt;<mark>SFZ</mark>&lt;/b&gt; 身份证"
    assert highlight_all("无匹配", frozenset({"sfz"})) == ""


def test_snippet_shows_two_windows_around_the_first_matches():
    text = "前" * 100 + "身份证" + "后" * 300 + "补领" + "尾" * 50
    shown = snippet(text, frozenset({"身份证", "补领"}))
    assert shown.count("<mark>") == 2 and shown.startswith("…") and "…" in shown[1:]
    assert len(shown.replace("<mark>", "").replace("</mark>", "")) <= 2 * 142 + 1
    assert snippet("短文本", frozenset({"补领"})) == ""
