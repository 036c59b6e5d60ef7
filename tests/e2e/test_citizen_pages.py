"""The pages a citizen reaches only by acting (a chosen slot form, the booking slip, moving a
booking, a refused lookup, the 网上咨询 answer, receipt and own page) pass the same checks as
every listed page: axe-core's WCAG 2.0/2.1 A and AA rules in the standard mode and the 关怀版,
headings without skipped levels, and no sideways scrolling at 320 CSS px (400 % zoom). Each is
photographed in both modes at 1280 and 320 px, next to the listed pages' photographs
(``test-artifacts/screenshots/modes/<page>-<mode>-<width>.png``).

Each mode has one browser context that first booked an appointment and asked a question
through the forms, so the booking's pages are its own (see :mod:`tests.e2e.citizen_pages`).
"""

from __future__ import annotations

import itertools
import re

import pytest

from tests.e2e.citizen_pages import (
    CITIZEN_PAGES,
    TRACKING_NO,
    CitizenState,
    ask_question,
    book_appointment,
    citizen_id,
)
from tests.e2e.support import (
    BLOCKING,
    HEADINGS_JS,
    OVERFLOW_JS,
    SCREENSHOT_DIR,
    axe_violations,
    care_cookie,
    describe_violations,
)

pytestmark = pytest.mark.e2e

MODES = {"standard": False, "care": True}
PAGE_IDS = [name for name, _ in CITIZEN_PAGES]
QUESTION_LINK = re.compile(r"^/questions/(\d+)$")
MODE_SHOTS = SCREENSHOT_DIR / "modes"
MIN_SHOT_BYTES = 8_000  # a blank or nearly empty page compresses far below this
SHOT_WIDTHS = {"desktop": 1280, "zoomed": 320}


@pytest.fixture(scope="session")
def citizen_contexts(browser, portal_server):
    """Per mode, a page whose context booked an appointment and asked a question (made on first use)."""
    made: dict[bool, tuple] = {}

    def get(care: bool):
        if care not in made:
            context = browser.new_context(base_url=portal_server.base_url, viewport={"width": 1280, "height": 800},
                                          locale="zh-CN", timezone_id="Asia/Shanghai", bypass_csp=True)
            context.set_default_timeout(10_000)
            if care:
                context.add_cookies([care_cookie(portal_server.base_url)])
            page = context.new_page()
            code = book_appointment(page, "王小明", citizen_id(100 + care))
            ask_question(page, "身份证换领要带哪些材料")
            tracking_no = TRACKING_NO.search(page.locator("main").inner_text())
            assert tracking_no, "the receipt shows no tracking number"
            page.goto("/questions/")
            hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
            published = [int(m.group(1)) for href in hrefs if (m := QUESTION_LINK.match(href))]
            assert published, "the demo data has no published question"
            made[care] = (page, CitizenState(code, tracking_no.group(0), published))
        return made[care]

    yield get
    for page, _ in made.values():
        page.context.close()


def _open(citizen_contexts, opener, care: bool = False, width: int = 1280):
    page, state = citizen_contexts(care)
    page.set_viewport_size({"width": width, "height": 800})
    opener(page, state)
    assert (page.locator("html.care").count() == 1) is care
    return page


@pytest.mark.parametrize("mode", MODES, ids=MODES.keys())
@pytest.mark.parametrize(("name", "opener"), CITIZEN_PAGES, ids=PAGE_IDS)
def test_axe_finds_no_serious_violation(citizen_contexts, axe_script, name, opener, mode):
    """axe-core, WCAG 2.0/2.1 A and AA: nothing serious or critical, in both display modes."""
    page = _open(citizen_contexts, opener, care=MODES[mode])
    blocking = [v for v in axe_violations(page, axe_script) if v["impact"] in BLOCKING]
    assert not blocking, f"{name} ({mode}): accessibility violations\n{describe_violations(blocking)}"


@pytest.mark.parametrize(("name", "opener"), CITIZEN_PAGES, ids=PAGE_IDS)
def test_headings_do_not_skip_levels(citizen_contexts, name, opener):
    """One h1 first, then each heading at most one level below the one before it."""
    headings = _open(citizen_contexts, opener).evaluate(HEADINGS_JS)
    outline = " / ".join(f"h{h['level']} {h['text']}" for h in headings)
    assert headings and headings[0]["level"] == 1, f"{name} must start with h1: {outline}"
    assert sum(h["level"] == 1 for h in headings) == 1, f"{name} needs exactly one h1: {outline}"
    for before, after in itertools.pairwise(headings):
        assert after["level"] <= before["level"] + 1, f"{name} skips a level at {after['text']!r}: {outline}"


@pytest.mark.parametrize("mode", MODES, ids=MODES.keys())
@pytest.mark.parametrize("width", SHOT_WIDTHS.values(), ids=SHOT_WIDTHS.keys())
@pytest.mark.parametrize(("name", "opener"), CITIZEN_PAGES, ids=PAGE_IDS)
def test_no_sideways_scrolling_and_a_screenshot(citizen_contexts, name, opener, width, mode):
    """On a desktop and at 320 CSS px (400 % zoom, WCAG 1.4.10), in both modes, the body never
    scrolls sideways; the page is photographed and the picture has content."""
    page = _open(citizen_contexts, opener, care=MODES[mode], width=width)
    overflow = page.evaluate(OVERFLOW_JS)
    assert overflow["scrollWidth"] <= overflow["clientWidth"] + 1, f"{name} ({mode}) at {width} px: {overflow}"
    page.evaluate("document.fonts.ready")
    MODE_SHOTS.mkdir(parents=True, exist_ok=True)
    shot = MODE_SHOTS / f"{name}-{mode}-{width}.png"
    shot.unlink(missing_ok=True)
    page.screenshot(path=shot, full_page=True)
    assert shot.stat().st_size > MIN_SHOT_BYTES, f"{shot} looks empty ({shot.stat().st_size} bytes)"
