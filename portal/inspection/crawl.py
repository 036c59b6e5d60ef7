"""The crawl: the site's own public pages, followed link by link in-process, no network.

It starts at ``/`` and every address of ``/sitemap.xml``, requests each same-site link (``href``
and ``src``) with Flask's test client as an anonymous visitor, reads the HTML pages for more links,
and records every link answering 4xx or 5xx with the pages it was found on. It never follows the
back office, sign-in or sign-out, the display-mode switch (it sets a cookie) nor forms (POST);
query strings are dropped, save ``?page=`` up to :data:`MAX_LIST_PAGE`, so a link on every page
(``/report-error/?page=…``) is one address. At most ``INSPECTION_CRAWL_MAX_PAGES`` addresses
(default 2000) are requested; the report says whether the walk ran out of links (complete) or
of budget.
"""

from __future__ import annotations

import re
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from flask import current_app
from flask.testing import FlaskClient

from portal.web.care import SWITCH_PATH

DEFAULT_MAX_PAGES = 2000
MAX_LIST_PAGE = 3
SKIPPED_PREFIXES = ("/staff", "/login", "/logout", "/account", SWITCH_PATH)
LOC_RE = re.compile(r"<loc>([^<]+)</loc>")
START = ("/", "/sitemap.xml")
MAX_PAGES_KEPT = 20  # pages remembered per address (a footer link is on every page)


class _LinkParser(HTMLParser):
    """Collects every ``href`` and ``src`` of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Keep the tag's link attributes (forms are never followed)."""
        if tag == "form":
            return
        self.links += [value for name, value in attrs if name in ("href", "src") and value]


def normalise(link: str, base: str, hosts: frozenset[str]) -> str | None:
    """``link`` found on ``base`` as a path of this site worth requesting, or None."""
    link = link.strip()
    if not link or link.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(urljoin(base, link))
    if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc not in hosts):
        return None
    path = parts.path or "/"
    if path.startswith(SKIPPED_PREFIXES):
        return None
    page = re.fullmatch(r"page=(\d+)", parts.query)
    if page and 1 < int(page.group(1)) <= MAX_LIST_PAGE:
        return f"{path}?page={page.group(1)}"
    return path


@dataclass
class CrawlReport:
    """What the crawl saw: how many addresses, and each broken one with its status and the pages
    linking to it (none for a start address)."""

    requested: int = 0
    complete: bool = True
    home_status: int = 0
    broken: dict[str, int] = field(default_factory=dict)
    found_on: dict[str, list[str]] = field(default_factory=dict)


def crawl(max_pages: int | None = None) -> CrawlReport:
    """Crawl the public site from ``/`` and the sitemap; see the module's description.

    The walk runs in a thread of its own: there each request gets a fresh application context
    (its own database session, ``g`` and signed-in user, none), as a visitor's request would,
    instead of sharing the caller's command or request context."""
    limit = max_pages or int(current_app.config.get("INSPECTION_CRAWL_MAX_PAGES", DEFAULT_MAX_PAGES))
    hosts = frozenset({"localhost", current_app.config.get("SERVER_NAME") or "localhost"})
    client = current_app.test_client()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_walk, client, limit, hosts).result()


def _walk(client: FlaskClient, limit: int, hosts: frozenset[str]) -> CrawlReport:
    report = CrawlReport()
    queue: deque[str] = deque(START)
    linked_from: dict[str, list[str]] = {path: [] for path in START}  # every address seen: its pages
    while queue and report.requested < limit:
        path = queue.popleft()
        status, kind, body, location = _fetch(client, path)
        report.requested += 1
        if path == "/":
            report.home_status = status
        if status >= 400:
            report.broken[path] = status
            continue
        for target in _targets(path, kind, body, location, hosts):
            pages = linked_from.get(target)
            if pages is None:
                linked_from[target] = [path]
                queue.append(target)
            elif len(pages) < MAX_PAGES_KEPT and path not in pages:
                pages.append(path)
    report.complete = not queue
    report.found_on = {path: linked_from[path] for path in report.broken}
    return report


def _targets(path: str, kind: str, body: str, location: str, hosts: frozenset[str]) -> list[str]:
    """The site's own addresses a page links to (or its redirect points to), normalised."""
    links = [location] if location else []
    if kind == "text/html":
        parser = _LinkParser()
        parser.feed(body)
        links += parser.links
    elif path == "/sitemap.xml":
        links += LOC_RE.findall(body)
    return [target for link in links if (target := normalise(link, path, hosts)) is not None]


def _fetch(client: FlaskClient, path: str) -> tuple[int, str, str, str]:
    """(status, content type, text of an HTML or XML page, redirect target) of one GET."""
    try:
        response = client.get(path)
    except Exception:  # a page that fails is what the crawl reports, as a 500
        return 500, "", "", ""
    try:
        kind = response.mimetype or ""
        body = response.get_data(as_text=True) if kind in ("text/html", "application/xml", "text/xml") else ""
        return response.status_code, kind, body, response.headers.get("Location", "")
    finally:
        response.close()
