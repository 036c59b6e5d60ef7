"""A citizen searches from the home page's box in their own words and lands on the guide."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_citizen_searches_from_home_page_and_opens_the_guide(page):
    page.goto("/")
    box = page.get_by_role("searchbox", name="站内搜索")
    box.fill("身份证丢了怎么办")
    box.press("Enter")
    page.wait_for_url("**/search?q=*")
    results = page.locator("ol.search-results li.search-hit")
    assert results.count() >= 3
    first = results.first.get_by_role("link")
    assert "居民身份证补领" in first.inner_text()
    assert results.first.locator("mark").count() >= 1, "matched words are highlighted"
    first.click()
    page.wait_for_url("**/guides/resident-id-card-replacement")
    assert "居民身份证补领" in page.get_by_role("heading", level=1).inner_text()


def test_autocomplete_offers_guide_titles_in_the_header_box(page):
    page.goto("/notices/")
    box = page.get_by_role("searchbox", name="站内搜索")
    box.press_sequentially("护照", delay=50)
    suggestion = page.locator("#site-search-q-list a").first
    suggestion.wait_for(state="visible", timeout=5000)
    assert "护照" in suggestion.inner_text()
    suggestion.click()
    page.wait_for_url("**/guides/ordinary-passport")
