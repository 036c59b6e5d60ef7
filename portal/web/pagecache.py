"""A per-process cache of rendered public pages for anonymous visitors.

Public pages are the same for every citizen, so a page rendered once (through the
classification filter like any other) is served again until the content changes. Any commit
that wrote something bumps a generation stamp (a file's mtime under ``instance/``), which
every worker of the machine checks with one ``stat`` per request; entries also expire after
``PAGE_CACHE_SECONDS`` and at the next scheduled notice's publish time. With several machines
each keeps its own cache, stale for at most ``PAGE_CACHE_SECONDS`` after a change made on
another machine.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, current_app, g, get_flashed_messages, has_app_context, request, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

CACHED_BLUEPRINTS = frozenset({"public", "catalog", "notices", "feeds", "accountability"})
# Answers with no site header (no signed-in name, no messages): the same for every visitor, so the
# cache serves them to signed-in staff too.
VISITOR_INDEPENDENT_BLUEPRINTS = frozenset({"feeds"})
MAX_ENTRIES = 512


@dataclass(frozen=True)
class _Entry:
    generation: int
    expires: float
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class PageCache:
    """Rendered anonymous GET responses keyed by path and query string."""

    def __init__(self, stamp_file: Path, ttl_seconds: int) -> None:
        self.stamp_file = stamp_file
        self.ttl = ttl_seconds
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def generation(self) -> int:
        """The content generation: changes whenever any commit wrote something."""
        try:
            return self.stamp_file.stat().st_mtime_ns
        except FileNotFoundError:
            return 0

    def bump(self) -> None:
        """Mark all cached pages of every worker on this machine stale."""
        self.stamp_file.parent.mkdir(parents=True, exist_ok=True)
        now = time.time_ns()
        self.stamp_file.touch()
        os.utime(self.stamp_file, ns=(now, max(now, self.generation() + 1)))

    def get(self, key: str) -> Response | None:
        """A fresh cached response for ``key``, or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.generation != self.generation() or entry.expires < time.time():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
        return Response(entry.body, status=entry.status, headers=entry.headers)

    def put(self, key: str, response: Response, valid_until: float | None) -> None:
        """Keep ``response`` until the content changes, the TTL or ``valid_until``."""
        expires = time.time() + self.ttl
        if valid_until is not None:
            expires = min(expires, valid_until)
        entry = _Entry(self.generation(), expires, response.status_code,
                       [(k, v) for k, v in response.headers.items() if k.lower() != "set-cookie"],
                       response.get_data())
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)


def _cacheable_request() -> bool:
    blueprint = request.blueprint
    if request.method != "GET" or blueprint not in CACHED_BLUEPRINTS:
        return False
    return blueprint in VISITOR_INDEPENDENT_BLUEPRINTS or same_for_every_visitor()


def same_for_every_visitor() -> bool:
    """True when this request's page looks the same to any visitor: nobody is signed in and no
    flashed message waits to be shown (a waiting message stays for the page to show it)."""
    return not current_user.is_authenticated and not get_flashed_messages()


def _shows_a_csrf_token() -> bool:
    """True when the page holds this visitor's CSRF token (a form): never to be shown to another."""
    return bool(g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")))


def _session_changed() -> bool:
    return session.modified


@event.listens_for(Session, "after_flush")
def _note_write(db_session, _flush_context) -> None:
    db_session.info["portal_wrote"] = True


@event.listens_for(Session, "after_commit")
def _bump_on_write(db_session) -> None:
    if db_session.info.pop("portal_wrote", False) and has_app_context():
        cache = current_app.extensions.get("page_cache")
        if cache is not None:
            cache.bump()


@event.listens_for(Session, "after_rollback")
def _forget_write(db_session) -> None:
    db_session.info.pop("portal_wrote", None)


def install_page_cache(app: Flask, valid_until: Callable[[], float | None] = lambda: None) -> None:
    """Serve and fill the cache around public views (``PAGE_CACHE_SECONDS`` 0 disables it).

    ``valid_until`` gives the moment (epoch seconds) by which every cached page must be rendered
    again, e.g. when the next scheduled notice goes public; None for no such moment.
    """
    ttl = app.config["PAGE_CACHE_SECONDS"]
    cache = PageCache(Path(app.instance_path) / "content-generation", ttl)
    app.extensions["page_cache"] = cache
    if ttl <= 0:
        return

    @app.before_request
    def serve_cached():
        if _cacheable_request():
            hit = cache.get(request.script_root + request.full_path)
            if hit is not None:
                g.page_cache_hit = True
                return hit
        return None

    @app.after_request
    def fill_cache(response: Response) -> Response:
        if (_cacheable_request() and not g.get("page_cache_hit")
                and response.status_code == 200 and not response.direct_passthrough
                and "Set-Cookie" not in response.headers and not _session_changed()
                and not _shows_a_csrf_token()):
            cache.put(request.script_root + request.full_path, response, valid_until())
        return response
