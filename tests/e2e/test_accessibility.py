"""Accessibility: axe-core (WCAG 2.1 A/AA) on every page in both display modes (standard and
关怀版), plus GB/T 37668-style checks.

axe-core comes from npm (``tests/.node``) and is injected into each page; the pages send a
strict Content-Security-Policy, so only these contexts bypass it. The hand-written checks
cover what a person with a keyboard or enlarged text meets: a visible focus indicator,
no sideways scrolling at 200 % text size or 400 % zoom, and headings without skipped levels.
"""

from __future__ import annotations

import itertools

import pytest

from tests.e2e.support import (
    BLOCKING,
    FOCUS_STYLE_JS,
    HEADINGS_JS,
    OVERFLOW_JS,
    axe_violations,
    describe_violations,
)
from tests.pages import all_pages, fill

pytestmark = pytest.mark.e2e

PAGES = all_pages()
PAGE_IDS = [p[0] for p in PAGES]


def _open(shared_page, samples, path: str, user: str | None, **options):
    page = shared_page(user=user, **options)
    page.goto(fill(path, guide=samples.guide, notice=samples.notice, request=samples.request,
                   complaint=samples.complaint, penalty=samples.penalty))
    if user:
        assert "/login" not in page.url, f"the {user} session was not accepted"
    return page


@pytest.mark.parametrize("care", [False, True], ids=["standard", "care"])
@pytest.mark.parametrize(("name", "path", "user"), PAGES, ids=PAGE_IDS)
def test_axe_finds_no_serious_violation(shared_page, samples, axe_script, name, path, user, care):
    """axe-core with the WCAG 2.0/2.1 A and AA rules: nothing serious or critical, in the standard
    mode and in the 关怀版."""
    page = _open(shared_page, samples, path, user, bypass_csp=True, care=care)
    blocking = [v for v in axe_violations(page, axe_script) if v["impact"] in BLOCKING]
    assert not blocking, f"{name}: accessibility violations\n{describe_violations(blocking)}"


def test_axe_harness_catches_planted_violations(shared_page, samples, axe_script):
    """The axe run above is not vacuous: planted faults (no alt, no label, faint text) are reported."""
    page = _open(shared_page, samples, "/", None, bypass_csp=True)
    page.evaluate("""() => document.querySelector('main').insertAdjacentHTML('beforeend',
      '<img src="/static/none.png"><input type="text"><p style="color:#bbb">浅灰色文字</p>')""")
    found = {v["id"]: v["impact"] for v in axe_violations(page, axe_script)}
    assert found.get("image-alt") in BLOCKING, found
    assert found.get("label") in BLOCKING, found
    assert found.get("color-contrast") in BLOCKING, found


@pytest.mark.parametrize(("name", "path", "user"), PAGES, ids=PAGE_IDS)
def test_headings_do_not_skip_levels(shared_page, samples, name, path, user):
    """One h1 first, then each heading at most one level below the one before it."""
    page = _open(shared_page, samples, path, user)
    headings = page.evaluate(HEADINGS_JS)
    assert headings, f"{name} has no headings"
    outline = " / ".join(f"h{h['level']} {h['text']}" for h in headings)
    assert headings[0]["level"] == 1, f"{name} must start with h1: {outline}"
    assert sum(h["level"] == 1 for h in headings) == 1, f"{name} needs exactly one h1: {outline}"
    for before, after in itertools.pairwise(headings):
        assert after["level"] <= before["level"] + 1, f"{name} skips a level at {after['text']!r}: {outline}"


KEYBOARD_PAGES = [p for p in PAGES if p[0] in {"home", "login", "guide-list", "staff-notice-new"}]


@pytest.mark.parametrize(("name", "path", "user"), KEYBOARD_PAGES, ids=[p[0] for p in KEYBOARD_PAGES])
def test_keyboard_focus_is_visible(shared_page, samples, name, path, user):
    """Tabbing from the top: each of the first stops shows an outline or a focus ring on screen."""
    page = _open(shared_page, samples, path, user)
    stops = []
    for _ in range(8):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_STYLE_JS)
        assert focus is not None, f"{name}: Tab moved focus nowhere"
        stops.append(focus)
        visible_ring = (focus["outlineStyle"] != "none" and focus["outlineWidth"] > 0) \
            or focus["boxShadow"] != "none"
        assert visible_ring, f"{name}: focus on <{focus['tag']}> {focus['text']!r} has no visible indicator"
        assert focus["onScreen"], f"{name}: focused <{focus['tag']}> {focus['text']!r} is off screen"
    assert stops[0]["tag"] == "a" and "跳到主要内容" in stops[0]["text"], "the first stop is the skip link"


ZOOM_PAGES = [p for p in PAGES if p[0] in {"home", "guide-detail"}]


@pytest.mark.parametrize(("name", "path", "user"), ZOOM_PAGES, ids=[p[0] for p in ZOOM_PAGES])
def test_text_at_200_percent_needs_no_sideways_scrolling(shared_page, samples, name, path, user):
    """Root font size doubled on a 1280 px window: the body never scrolls horizontally."""
    page = _open(shared_page, samples, path, user)
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    overflow = page.evaluate(OVERFLOW_JS)
    assert overflow["scrollWidth"] <= overflow["clientWidth"] + 1, f"{name} at 200 % text: {overflow}"


@pytest.mark.parametrize(("name", "path", "user"), PAGES, ids=PAGE_IDS)
def test_reflow_at_400_percent_zoom(shared_page, samples, name, path, user):
    """At 320 CSS px (1280 px zoomed to 400 %, WCAG 1.4.10) the body never scrolls sideways."""
    page = _open(shared_page, samples, path, user, width=320)
    overflow = page.evaluate(OVERFLOW_JS)
    assert overflow["scrollWidth"] <= overflow["clientWidth"] + 1, f"{name} at 320 px: {overflow}"


def test_phone_layout_keeps_the_guide_table_a_table(shared_page, samples):
    """On a phone the guide list shows cards, yet screen readers still get a table with headers."""
    page = _open(shared_page, samples, "/guides/", None, width=375)
    table = page.get_by_role("table", name="办事指南列表")
    assert table.get_by_role("columnheader").count() == 6
    rows = table.get_by_role("row").count()
    assert rows > 1
    assert table.get_by_role("rowheader").count() == rows - 1
    first_cell = table.get_by_role("cell").first
    assert first_cell.evaluate("td => getComputedStyle(td).display") == "block", "cards on a phone"
    assert "分类" in first_cell.evaluate("td => getComputedStyle(td, '::before').content")
