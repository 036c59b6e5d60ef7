"""Search forgives how citizens type: common miswritings, full pinyin, mixed forms, homophones."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.search.spelling import Spelling, miswritings


def _first_url(client, q: str) -> str:
    results = client.get("/api/v1/search", query_string={"q": q}).get_json()["results"]
    return results[0]["url"] if results else ""


@pytest.mark.parametrize(("query", "guide"), [
    ("身分证补办", "resident-id-card-replacement"),  # 身分证 for 身份证
    ("驾驶照丢了", "driving-licence-replacement"),  # 驾驶照 for 驾驶证
    ("shenfenzheng buban", "resident-id-card-replacement"),  # full pinyin, spaced
    ("shenfenzhengbuling", "resident-id-card-replacement"),  # full pinyin, run together
    ("huzhao", "ordinary-passport"),
    ("huzhao多久能办好", "ordinary-passport"),  # pinyin beside Chinese
    ("临时shenfenzheng", "temporary-resident-id-card"),
    ("居民身份症换领", "resident-id-card-renewal"),  # a homophone no list names
])
def test_miswritten_and_pinyin_queries_find_the_right_guide_first(client, query, guide):
    assert _first_url(client, query).endswith(f"/guides/{guide}")


def test_the_correction_shows_as_highlighted_words_and_initials_still_work(client):
    page = client.get("/search", query_string={"q": "shenfenzheng"}).get_data(as_text=True)
    assert "<mark>身份证</mark>" in page
    assert "resident-id-card" in _first_url(client, "sfz")


def test_words_the_site_holds_are_never_respelled():
    spelling = Spelling([("身份证", 9), ("补领", 3), ("出生", 2), ("出身", 1)], miswritings())
    assert spelling.respell("身份证补领") == "身份证补领"
    assert spelling.respell("出身") == "出身"  # a known word, though it sounds like another
    assert spelling.respell("身分证 buling") == "身份证 补领"
    assert spelling.respell("sfz") == "sfz"  # initials spell no syllables
    assert spelling.respell("abc123") == "abc123"


def test_the_miswriting_list_is_well_formed():
    rules = miswritings()
    assert len(rules) >= 20
    for wrong, right in rules:
        assert wrong != right and "=>" not in wrong + right
    text = Path(__file__).parents[2].joinpath("portal/search/data/miswritings.txt").read_text(encoding="utf-8")
    assert "身分证 => 身份证" in text
