"""Helpers shared by the real-browser tests: logging in, notices, page probes.

Everything here drives the portal the way a person does (labels, buttons, links) so the
tests also prove that the visible interface is usable, not only that the routes answer.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOT_DIR = ARTIFACTS / "screenshots"
NODE_DIR = ROOT / "tests" / ".node"
AXE_SCRIPT = NODE_DIR / "node_modules" / "axe-core" / "axe.min.js"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHROMIUM_MISSING = "Chromium not installed: apt-get install -y chromium fonts-wqy-microhei"

NOTICE_LINK = re.compile(r"^/notices/(\d+)$")

# Widths every page is photographed at: a desktop and a small phone.
WIDTHS = {"desktop": 1280, "phone": 375}


def care_cookie(base_url: str) -> dict:
    """The cookie the 关怀版 switch sets, for a browser context that starts in that mode."""
    from portal.web.care import CARE_COOKIE, CARE_ON

    return {"name": CARE_COOKIE, "value": CARE_ON, "url": base_url}


def login(page, username: str, password: str) -> None:
    """Log in through the visible login form and wait for the welcome message."""
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.get_by_text("欢迎，").wait_for()


def write_notice(page, title: str, body: str) -> int:
    """Write a notice draft as staff and return its id (the page shows the draft afterwards)."""
    page.goto("/staff/notices/new")
    page.get_by_label("标题", exact=True).fill(title)
    page.get_by_label("正文（Markdown）").fill(body)
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("已保存。").wait_for()
    match = re.search(r"/staff/notices/(\d+)$", page.url)
    assert match, f"after saving, expected the notice page, got {page.url}"
    return int(match.group(1))


def publish_shown_notice(page) -> None:
    """On a notice's back-office page, press 发布 (publish now) and wait for the confirmation."""
    page.get_by_role("button", name="发布", exact=True).click()
    page.get_by_text("已发布，公众现在可以看到。").wait_for()


def notice_ids_on(page) -> list[int]:
    """Ids of the notices linked from the current page, in page order."""
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    return [int(m.group(1)) for href in hrefs if (m := NOTICE_LINK.match(href))]


# Draws each character of a sample string on a canvas in the page's own font and compares
# the pixels with those of U+10FFFD, a private-use character no font covers (always "tofu").
# Returns, per character, how many pixels got ink, a hash of its bitmap, and whether that
# bitmap equals the tofu bitmap.
GLYPH_PROBE_JS = """
(sample) => {
  const family = getComputedStyle(document.body).fontFamily;
  const size = 40;
  const canvas = document.createElement('canvas');
  canvas.width = size * 2;
  canvas.height = size * 2;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const draw = (ch) => {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.font = `${size}px ${family}`;
    ctx.textBaseline = 'top';
    ctx.fillStyle = '#000';
    ctx.fillText(ch, 4, 4);
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let ink = 0;
    let hash = 2166136261;
    for (let i = 3; i < data.length; i += 4) {
      if (data[i]) ink++;
      hash = Math.imul(hash ^ data[i], 16777619) >>> 0;
    }
    return {ink, hash};
  };
  const tofu = draw('\\u{10FFFD}');
  return {
    family,
    tofu,
    glyphs: [...sample].map((ch) => {
      const g = draw(ch);
      return {ch, ink: g.ink, hash: g.hash, tofu: g.hash === tofu.hash};
    }),
  };
}
"""

CJK_SAMPLE = "警务公开办事指南通知"


def glyph_problems(probe: dict) -> list[str]:
    """What is wrong with the glyphs a ``GLYPH_PROBE_JS`` run measured (empty: all render)."""
    problems = []
    for glyph in probe["glyphs"]:
        if glyph["ink"] == 0:
            problems.append(f"{glyph['ch']} draws nothing")
        elif glyph["tofu"]:
            problems.append(f"{glyph['ch']} draws the missing-glyph box")
    distinct_chars = len(set(CJK_SAMPLE))
    distinct_bitmaps = len({g["hash"] for g in probe["glyphs"]})
    if distinct_bitmaps < distinct_chars:
        problems.append(f"{distinct_chars} different characters give only {distinct_bitmaps} different bitmaps")
    return problems


# Levels of every heading in document order (visually hidden ones count: screen readers use them).
HEADINGS_JS = """
() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(
  (h) => ({level: Number(h.tagName[1]), text: h.textContent.trim().slice(0, 40)}))
"""

# The focus indicator of the element that has keyboard focus.
FOCUS_STYLE_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.textContent || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 30),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth) || 0,
    boxShadow: style.boxShadow,
    onScreen: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0
      && box.left < window.innerWidth && box.top < window.innerHeight,
  };
}
"""

# Horizontal overflow of the document: more than one pixel means the body scrolls sideways.
OVERFLOW_JS = """
() => {
  const root = document.documentElement;
  const culprits = [];
  const limit = root.clientWidth + 1;
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > limit && getComputedStyle(el).position !== 'absolute') {
      const name = el.tagName.toLowerCase() + (el.className ? '.' + el.className : '');
      culprits.push(`${name} right=${Math.round(box.right)}`);
    }
  }
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, culprits: culprits.slice(0, 8)};
}
"""


# axe-core's WCAG 2.0/2.1 A and AA rules, and the impacts that fail a page.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
AXE_RUN_JS = """
async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((n) => n.target.join(' ')),
  }));
}
"""


def axe_violations(page, axe_script: Path) -> list[dict]:
    """Every WCAG A/AA violation axe-core finds on the page as it stands (the page's context
    must bypass its Content-Security-Policy for the script to be injected)."""
    page.add_script_tag(path=str(axe_script))
    return page.evaluate(AXE_RUN_JS, WCAG_TAGS)


def describe_violations(violations: list[dict]) -> str:
    """axe's findings, one per line with the first few elements concerned."""
    return "\n".join(
        f"[{v['impact']}] {v['id']}: {v['help']}\n    " + "\n    ".join(v["targets"][:10])
        for v in violations
    )
