"""The results page for visitors without a session, answered before Flask builds a request.

A never-seen query cannot come from a cache, and most of what Flask does for a request (the
session, Flask-Login, the request hooks, rendering the whole layout) changes nothing on a search
page that nobody signed in asks for. :class:`AnonymousResultsPage` is registered with
:func:`portal.web.direct.answer_directly` for ``/search``: it renders only the results
(``search/_results.html``, from :func:`portal.search.page.results_context`) and puts them into the
layout as such a visitor sees it, which is rendered once per script root, display mode and content
generation and cut where the title, the display-mode switch and the results go (:class:`Shell`).
A request without a query, or one arriving while the layout cannot be cut as expected, goes on
to the view.
"""

from __future__ import annotations

from flask import Flask, render_template
from markupsafe import Markup, escape

from portal.public_content import content_generation
from portal.search.page import SearchLinks, memo_key, page_title, results_context, search_args
from portal.search.services import PAGES
from portal.web.care import care_mode_in, switch_url_for
from portal.web.direct import AnonymousGet, HtmlPage, answer_directly, render_fragment

TITLE_MARK = "\x1etitle\x1e"  # characters no rendered page holds
CONTENT_MARK = "\x1econtent\x1e"
SLOT_MARKUP = {"title": Markup(TITLE_MARK), "content": Markup(CONTENT_MARK)}  # noqa: S704  (constants)


class Shell:
    """A rendered page cut into fixed pieces around named slots."""

    def __init__(self, pieces: list[str], slots: list[str]) -> None:
        self.pieces, self.slots = pieces, slots

    @classmethod
    def cut(cls, page: str, marks: dict[str, str]) -> Shell | None:
        """``page`` cut at each mark (slot name → the exact text standing for it); None unless
        every mark occurs exactly once."""
        if any(page.count(mark) != 1 for mark in marks.values()):
            return None
        found = sorted((page.index(mark), name, mark) for name, mark in marks.items())
        pieces, slots, start = [], [], 0
        for position, name, mark in found:
            pieces.append(page[start:position])
            slots.append(name)
            start = position + len(mark)
        pieces.append(page[start:])
        return cls(pieces, slots)

    def fill(self, values: dict[str, str]) -> str:
        """The page with every slot replaced by its value."""
        parts = [self.pieces[0]]
        for name, piece in zip(self.slots, self.pieces[1:], strict=True):
            parts += (values[name], piece)
        return "".join(parts)


class AnonymousResultsPage:
    """``/search`` for a visitor without a session: the same page the view gives, made from the
    results fragment and a layout rendered once, in an application context only."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._shells: dict[tuple[str, bool, int], Shell | None] = {}
        self._links: dict[str, SearchLinks] = {}

    def __call__(self, visit: AnonymousGet) -> HtmlPage | None:
        """The page, or None to let the view answer (no query, or no usable layout)."""
        incoming, cookies = visit
        args = search_args(incoming.args)
        if not args.q:
            return None
        with self.app.app_context():
            key = memo_key(incoming.full_path, cookies)
            body = PAGES.get(key)
            if body is not None:
                return self._response(body, cached=True)
            shell = self._shell(visit)
            if shell is None:
                return None
            context = results_context(args, self._links_for(incoming.script_root))
            switch = switch_url_for(incoming, cookies)
            body = shell.fill({"title": escape(page_title(args.q)), "switch": escape(switch),
                               "content": render_fragment(self.app, "search/_results.html", context)}).encode()
        PAGES.put(key, body)
        return self._response(body, cached=context["found"].cached)

    @staticmethod
    def _response(body: bytes, *, cached: bool) -> HtmlPage:
        # Vary: the display-mode cookie changes the page; X-Search-Cache as the view says it
        return HtmlPage(body, (("X-Search-Cache", "hit" if cached else "miss"), ("Vary", "Cookie")))

    def _links_for(self, script_root: str) -> SearchLinks:
        links = self._links.get(script_root)
        if links is None:
            urls = self.app.url_map.bind("localhost", script_name=script_root or "/")
            links = self._links[script_root] = SearchLinks(
                urls.build("search.results"), urls.build("search.suggestions"),
                lambda code: urls.build("catalog.category", {"code": code}))
        return links

    def _shell(self, visit: AnonymousGet) -> Shell | None:
        """The layout for this request's script root and display mode at the current content
        (rendered in a request context of its own the first time)."""
        generation = content_generation()
        if generation is None:
            return None
        incoming, cookies = visit
        key = (incoming.script_root, care_mode_in(cookies), generation)
        if key not in self._shells:
            marks = {"title": TITLE_MARK, "content": CONTENT_MARK,
                     "switch": str(escape(switch_url_for(incoming, cookies)))}
            with self.app.request_context(incoming.environ):
                page = render_template("search/shell.html", title_mark=SLOT_MARKUP["title"],
                                       content_mark=SLOT_MARKUP["content"])
            self._shells = {k: v for k, v in self._shells.items() if k[2] == generation}
            self._shells[key] = Shell.cut(page, marks)
        return self._shells[key]


def install_search_page(app: Flask) -> None:
    """Answer ``/search`` for visitors without a session before Flask (after ``install_web``)."""
    answer_directly(app, "/search", AnonymousResultsPage(app))
