"""How pages look: full-page screenshots of every page at two widths, and CJK glyphs.

The screenshots (``test-artifacts/screenshots/<page>-<width>.png``) are for people to look
at; the tests themselves check that each page loads with the expected status, that nothing
makes the body scroll sideways on a phone, and that Chinese text is drawn with real glyphs
rather than the missing-glyph box ("tofu") a machine without a CJK font shows.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.support import (
    CHROMIUM_ARGS,
    CJK_SAMPLE,
    GLYPH_PROBE_JS,
    OVERFLOW_JS,
    SCREENSHOT_DIR,
    WIDTHS,
    glyph_problems,
)
from tests.helpers import unavailable
from tests.pages import all_pages, fill

pytestmark = pytest.mark.e2e

PAGES = all_pages()
EXPECTED_STATUS = {"not-found": 404}


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize(("name", "path", "user"), PAGES, ids=[p[0] for p in PAGES])
def test_screenshot(shared_page, samples, name, path, user, width):
    """Photograph the full page; it answers as expected and never scrolls sideways."""
    page = shared_page(user=user, width=width)
    response = page.goto(fill(path, guide=samples.guide, notice=samples.notice, request=samples.request,
                   complaint=samples.complaint, penalty=samples.penalty))
    assert response.status == EXPECTED_STATUS.get(name, 200), page.url
    if user:
        assert "/login" not in page.url, f"the {user} session was not accepted"
    page.evaluate("document.fonts.ready")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT_DIR / f"{name}-{width}.png", full_page=True)
    overflow = page.evaluate(OVERFLOW_JS)
    assert overflow["scrollWidth"] <= overflow["clientWidth"] + 1, overflow


def test_chinese_renders_with_real_glyphs(page):
    """Chinese in the page font is drawn as distinct glyphs, none equal to the tofu box."""
    page.goto("/")
    probe = page.evaluate(GLYPH_PROBE_JS, CJK_SAMPLE)
    assert not glyph_problems(probe), (
        f"Chinese does not render in {probe['family']}: {glyph_problems(probe)}. "
        "Install a CJK font: apt-get install -y fonts-wqy-microhei"
    )


def test_glyph_probe_detects_a_missing_cjk_font(playwright_driver, chromium_executable, portal_server, tmp_path):
    """The probe above really catches tofu: in a Chromium that sees no CJK font, it must fail.

    A fontconfig file that lists only the Latin DejaVu fonts hides every CJK font from a
    second Chromium; the same probe on the same page must then report problems.
    """
    latin_fonts = Path("/usr/share/fonts/truetype/dejavu")
    if not latin_fonts.is_dir():
        unavailable(f"{latin_fonts} missing (apt-get install -y fonts-dejavu-core): no Latin-only "
                    "font set to hide the CJK fonts behind")
    config = tmp_path / "fonts.conf"
    config.write_text(
        f"<?xml version='1.0'?>\n<fontconfig><dir>{latin_fonts}</dir>"
        f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    browser = playwright_driver.chromium.launch(
        executable_path=chromium_executable, args=CHROMIUM_ARGS,
        env={**os.environ, "FONTCONFIG_FILE": str(config)},
    )
    try:
        page = browser.new_page(base_url=portal_server.base_url)
        page.goto("/")
        probe = page.evaluate(GLYPH_PROBE_JS, CJK_SAMPLE)
    finally:
        browser.close()
    assert glyph_problems(probe), f"the probe missed tofu without CJK fonts: {probe}"
