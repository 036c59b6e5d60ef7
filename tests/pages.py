"""The one list of pages every quality check walks (browser, accessibility, headers, bench).

Adding a page to every check is one line here. ``{guide}`` and ``{notice}`` are filled with
a real guide slug and a published notice id from the demo content.
"""

from __future__ import annotations

# (name, path) of pages anyone may open.
PUBLIC_PAGES = [
    ("home", "/"),
    ("guide-list", "/guides/"),
    ("guide-category", "/guides/category/huzheng"),
    ("guide-filtered", "/guides/?fee=free&online=yes"),
    ("guide-detail", "/guides/{guide}"),
    ("guide-print", "/guides/{guide}/print"),
    ("notice-list", "/notices/"),
    ("notice-detail", "/notices/{notice}"),
    ("login", "/login"),
    ("not-found", "/no-such-page"),
]

# (name, path) of back-office pages, opened after logging in as 户政 staff.
STAFF_PAGES = [
    ("staff-home", "/staff/"),
    ("staff-notices", "/staff/notices/"),
    ("staff-notice-new", "/staff/notices/new"),
    ("staff-guides", "/staff/guides/"),
    ("staff-guide-edit", "/staff/guides/{guide}/edit"),
    ("staff-guide-history", "/staff/guides/{guide}/history"),
]


def fill(path: str, *, guide: str, notice: int) -> str:
    """Substitute the sample guide slug and notice id into ``path``."""
    return path.format(guide=guide, notice=notice)
