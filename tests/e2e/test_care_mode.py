"""关怀版 in a real browser: the switch works without scripts, the mode really is larger and
stronger, every public page is photographed in the care mode at two widths, and 200 % zoom never
makes a main page scroll sideways.

The care-mode screenshots go to ``test-artifacts/screenshots/modes/<page>-care-<width>.png``; the
standard mode's, at the same widths, are taken of every page by ``test_rendering.py``
(``test-artifacts/screenshots/<page>-<width>.png``).
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.e2e.support import OVERFLOW_JS, SCREENSHOT_DIR, WIDTHS, care_cookie
from tests.pages import PUBLIC_PAGES, fill

pytestmark = pytest.mark.e2e

MODES = {"standard": False, "care": True}
MODE_SHOTS = SCREENSHOT_DIR / "modes"
EXPECTED_STATUS = {"not-found": 404}
MAIN_PAGES = [p for p in PUBLIC_PAGES if p[0] in {"home", "guide-list", "guide-detail", "notice-list",
                                                   "notice-detail", "search", "apply", "complain"}]
MIN_SHOT_BYTES = 8_000  # a blank or nearly empty page compresses far below this

# The body text size, and the smallest height among the header's and the main area's links and buttons.
MEASURE_JS = """
() => {
  const px = (el) => parseFloat(getComputedStyle(el).fontSize);
  const targets = [...document.querySelectorAll('.site-header a, .site-header button, main .entry, .mode-switch')]
    .filter((el) => el.getClientRects().length);
  return {
    bodyText: px(document.querySelector('main p, main li, main td') || document.body),
    smallestTarget: Math.min(...targets.map((el) => el.getBoundingClientRect().height)),
    linkCount: document.querySelectorAll('a[href]').length,
  };
}
"""


def _png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG file's header."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def _go(page, samples, path: str):
    return page.goto(fill(path, guide=samples.guide, notice=samples.notice, request=samples.request,
                          complaint=samples.complaint, penalty=samples.penalty))


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize(("name", "path"), PUBLIC_PAGES, ids=[p[0] for p in PUBLIC_PAGES])
def test_screenshot_in_care_mode(shared_page, samples, name, path, width, mode="care"):
    """Photograph each public page in the care mode; the picture exists, has the page's width and
    content (the standard mode's pictures are taken by ``test_rendering.py``)."""
    page = shared_page(width=width, care=MODES[mode])
    response = _go(page, samples, path)
    assert response.status == EXPECTED_STATUS.get(name, 200), page.url
    assert (page.locator("html.care").count() == 1) is MODES[mode]
    page.evaluate("document.fonts.ready")
    MODE_SHOTS.mkdir(parents=True, exist_ok=True)
    shot = MODE_SHOTS / f"{name}-{mode}-{width}.png"
    shot.unlink(missing_ok=True)
    page.screenshot(path=shot, full_page=True)
    overflow = page.evaluate(OVERFLOW_JS)
    assert overflow["scrollWidth"] <= overflow["clientWidth"] + 1, f"{name} ({mode}, {width} px): {overflow}"
    assert shot.stat().st_size > MIN_SHOT_BYTES, f"{shot} looks empty ({shot.stat().st_size} bytes)"
    shot_width, shot_height = _png_size(shot)
    assert shot_width == width and shot_height >= 400, (shot_width, shot_height)


def test_care_mode_is_larger_and_keeps_every_link(shared_page, samples):
    """Body text of at least 18 px and targets of at least 44 px in the 关怀版, with no link dropped."""
    standard = shared_page(width=1280)
    standard.goto("/")
    plain = standard.evaluate(MEASURE_JS)
    care = shared_page(width=1280, care=True)
    care.goto("/")
    large = care.evaluate(MEASURE_JS)
    assert large["bodyText"] >= 18 > plain["bodyText"], (plain, large)
    assert large["smallestTarget"] >= 44, large
    assert large["linkCount"] >= plain["linkCount"], (plain, large)


def test_the_switch_works_without_scripts(new_context, portal_server):
    """With JavaScript off, the link at the top switches to the 关怀版 on the same page, and back."""
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/guides/")
    page.get_by_role("link", name="关怀版（大字、高对比）").click()
    page.wait_for_url("**/guides/")
    assert page.locator("html.care").count() == 1
    page.goto("/notices/")
    assert page.locator("html.care").count() == 1, "the choice is remembered"
    page.get_by_role("link", name="返回标准版").click()
    page.wait_for_url("**/notices/")
    assert page.locator("html.care").count() == 0


@pytest.mark.parametrize("mode", MODES, ids=MODES.keys())
@pytest.mark.parametrize(("name", "path"), MAIN_PAGES, ids=[p[0] for p in MAIN_PAGES])
def test_main_pages_at_200_percent_zoom_need_no_sideways_scrolling(browser, portal_server, samples,
                                                                  name, path, mode):
    """A 1280×800 window zoomed to 200 % (640×400 CSS px at two device pixels each): no sideways scroll."""
    context = browser.new_context(base_url=portal_server.base_url, viewport={"width": 640, "height": 400},
                                  device_scale_factor=2, locale="zh-CN", timezone_id="Asia/Shanghai")
    try:
        if MODES[mode]:
            context.add_cookies([care_cookie(portal_server.base_url)])
        page = context.new_page()
        _go(page, samples, path)
        overflow = page.evaluate(OVERFLOW_JS)
        assert overflow["scrollWidth"] <= overflow["clientWidth"] + 1, f"{name} ({mode}) at 200 %: {overflow}"
    finally:
        context.close()
