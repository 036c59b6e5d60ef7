"""Markdown written by staff, rendered to HTML that is safe to show the public.

Rendering uses the ``markdown`` package; its output is then cleaned by ``nh3`` with an
allow-list, so scripts, event handlers, ``javascript:`` links, iframes and inline
styles never survive, whatever the author typed.
"""

from __future__ import annotations

import markdown
import nh3

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
        "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "strong", "sub", "sup", "table",
        "tbody", "td", "th", "thead", "tr", "ul",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align", "scope"},
}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_EXTENSIONS = ["tables", "sane_lists", "fenced_code"]


def render_markdown(text: str) -> str:
    """Render Markdown ``text`` to sanitized HTML.

    Headings of level 1 are demoted to level 2 because every page supplies its own ``h1``.
    """
    html = markdown.markdown(text or "", extensions=_EXTENSIONS, output_format="html")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def plain_text(text: str, limit: int = 120) -> str:
    """A short plain-text excerpt of Markdown ``text`` for lists and meta descriptions."""
    stripped = nh3.clean(render_markdown(text), tags=set())
    collapsed = " ".join(stripped.split())
    return collapsed if len(collapsed) <= limit else collapsed[: limit - 1] + "…"
