"""A per-process cache of rendered public pages for anonymous visitors.

Public pages are the same for every citizen, so a page rendered once (through the
classification filter like any other) is served again until the content changes: entries are
keyed on the content generation (:mod:`portal.public_content`), which only writes to what public
pages show raise, and which every machine sharing the database sees within
``CONTENT_GENERATION_SECONDS``. Throttle counters, audit rows and other bookkeeping do not touch
it, so a flood of failed look-ups cannot empty the cache. Entries also expire after
``PAGE_CACHE_SECONDS`` and at the next scheduled notice's publish time.

Only requests that carry neither a session nor a remember-me cookie are served from the cache
(and fill it). A page is kept once per display mode (the 关怀版 cookie is part of the key,
:func:`portal.web.care.page_cache_key`), so neither mode is ever served the other's page;
every answer to a cacheable request says ``X-Page-Cache: hit`` or ``miss``.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, get_flashed_messages, request, session
from flask_login import current_user

from portal.public_content import content_generation
from portal.web.care import page_cache_key
from portal.web.direct import AnonymousGets, visitor_cookie_names

CACHED_BLUEPRINTS = frozenset({"public", "catalog", "notices", "feeds", "accountability", "api", "penalties"})
# Answers with no site header (no signed-in name, no messages): the same for every visitor, so the
# cache serves them to signed-in staff too.
VISITOR_INDEPENDENT_BLUEPRINTS = frozenset({"feeds", "api"})
MAX_ENTRIES = 512
HEADER = "X-Page-Cache"


@dataclass(frozen=True)
class _Entry:
    generation: int
    expires: float
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class PageCache:
    """Rendered anonymous GET responses keyed by path and query string."""

    def __init__(self, ttl_seconds: int) -> None:
        self.ttl = ttl_seconds
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def holds(self, key: str) -> bool:
        """True when an entry for ``key`` is kept (fresh or not)."""
        return key in self._entries

    def get(self, key: str, generation: int) -> Response | None:
        """A fresh cached response for ``key`` made at ``generation``, or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.generation != generation or entry.expires < time.time():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
        return Response(entry.body, status=entry.status, headers=entry.headers)

    def put(self, key: str, generation: int, response: Response, valid_until: float | None) -> None:
        """Keep ``response`` until the content changes, the TTL or ``valid_until``."""
        expires = time.time() + self.ttl
        if valid_until is not None:
            expires = min(expires, valid_until)
        kept = [(k, v) for k, v in response.headers.items() if k.lower() not in {"set-cookie", HEADER.lower()}]
        entry = _Entry(generation, expires, response.status_code, kept, response.get_data())
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)


def _carries_a_visitor_cookie() -> bool:
    """True when the request has a session or remember-me cookie (a visitor with state)."""
    return not visitor_cookie_names(current_app).isdisjoint(request.cookies)


def _cacheable_request() -> bool:
    blueprint = request.blueprint
    if request.method != "GET" or blueprint not in CACHED_BLUEPRINTS:
        return False
    return blueprint in VISITOR_INDEPENDENT_BLUEPRINTS or not _carries_a_visitor_cookie()


def same_for_every_visitor() -> bool:
    """True when this request's page looks the same to any visitor: nobody is signed in and no
    flashed message waits to be shown (a waiting message stays for the page to show it)."""
    return not current_user.is_authenticated and not get_flashed_messages()


def _shows_a_csrf_token() -> bool:
    """True when the page holds this visitor's CSRF token (a form): never to be shown to another."""
    return bool(g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")))


def _request_key() -> str:
    return page_cache_key(request.script_root, request.full_path, request.cookies)


def _session_changed() -> bool:
    return session.modified


def _storable(response: Response) -> bool:
    return (response.status_code == 200 and not response.direct_passthrough
            and "Set-Cookie" not in response.headers and not _session_changed()
            and not _shows_a_csrf_token())


class CachedPageServer:
    """WSGI middleware answering a cookie-less GET straight from the cache, before Flask builds a
    request context and runs its hooks; anything else (and every miss) goes on to the app."""

    def __init__(self, wsgi_app: Callable, app: Flask, cache: PageCache) -> None:
        self.wsgi_app, self.app, self.cache = wsgi_app, app, cache
        self.anonymous = AnonymousGets(app)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        """Serve a cached answer when there is a fresh one for this path, else call the app."""
        visit = self.anonymous.visit(environ)
        if visit is not None:
            incoming = visit.request
            key = page_cache_key(incoming.script_root, incoming.full_path, visit.cookies)
            if self.cache.holds(key):
                with self.app.app_context():
                    generation = content_generation()
                hit = self.cache.get(key, generation) if generation is not None else None
                if hit is not None:
                    hit.headers[HEADER] = "hit"
                    return hit.make_conditional(incoming)(environ, start_response)
        return self.wsgi_app(environ, start_response)


def install_page_cache(app: Flask, valid_until: Callable[[], float | None] = lambda: None) -> None:
    """Serve and fill the cache around public views (``PAGE_CACHE_SECONDS`` 0 disables it).

    ``valid_until`` gives the moment (epoch seconds) by which every cached page must be rendered
    again, e.g. when the next scheduled notice goes public; None for no such moment.
    """
    ttl = app.config["PAGE_CACHE_SECONDS"]
    cache = PageCache(ttl)
    app.extensions["page_cache"] = cache
    if ttl <= 0:
        return
    app.wsgi_app = CachedPageServer(app.wsgi_app, app, cache)  # type: ignore[method-assign]

    @app.before_request
    def serve_cached():
        if not _cacheable_request():
            return None
        g.page_cache_generation = generation = content_generation()
        if generation is None:
            return None
        hit = cache.get(_request_key(), generation)
        if hit is None:
            return None
        g.page_cache_hit = True
        hit.headers[HEADER] = "hit"
        return hit.make_conditional(request)  # 304 when the client holds this version (ETag)

    @app.after_request
    def fill_cache(response: Response) -> Response:
        if not _cacheable_request() or g.get("page_cache_hit"):
            return response
        response.headers[HEADER] = "miss"
        generation = g.get("page_cache_generation")
        if generation is not None and _storable(response):
            cache.put(_request_key(), generation, response, valid_until())
        return response
