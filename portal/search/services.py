"""Search services: keep the index in step with the database, answer queries and suggestions.

Every flush that writes a guide, notice or complaint adds rows to the change log in the same
transaction; after the commit (never inside it) the worker applies the log to this machine's
index under the writer lock. Other machines, and workers whose hook failed, catch up before
their next search, reading the log at most every ``SEARCH_CATCH_UP_SECONDS`` (default 1;
:func:`ensure_fresh`).
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, func, insert, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from portal.public_content import content_generation, for_this_generation
from portal.search import ranking
from portal.search.analysis import initials, jieba_module, query_terms, vocabulary
from portal.search.documents import indexed_models, type_labels
from portal.search.index import SearchIndex, SearchResults

log = logging.getLogger(__name__)

CATCH_UP_SECONDS = 1.0  # default of SEARCH_CATCH_UP_SECONDS: how often a worker reads the change log
SUGGEST_LIMIT = 8
PAGE_MEMO_ENTRIES = 256  # rendered search pages kept per process


def search_index(app: Flask | None = None) -> SearchIndex:
    """The index replica of this app."""
    return (app or current_app).extensions["search_index"]


# -- the change log, written inside the transaction -----------------------------------------


def record_key(record) -> int | None:
    """The primary key of an indexed record (guides and notices: id; complaints: matter_id)."""
    values = sa_inspect(type(record)).primary_key_from_instance(record)
    return values[0] if values and values[0] is not None else None


@event.listens_for(Session, "after_flush")
def _log_changes(session: Session, _context) -> None:
    changed: set[tuple[str, int]] = set()
    doc_types = indexed_models()
    for obj in (*session.new, *session.dirty, *session.deleted):
        name = type(obj).__name__
        if name not in doc_types:
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        key = record_key(obj)
        if key is not None:
            changed.add((doc_types[name], key))
    if changed:
        from portal.search.models import SearchChange

        session.connection().execute(
            insert(SearchChange), [{"doc_type": t, "doc_id": i} for t, i in sorted(changed)])
        session.info["search_changed"] = True


@event.listens_for(Session, "after_commit")
def _apply_after_commit(session: Session) -> None:
    if not session.info.pop("search_changed", False) or not has_app_context():
        return
    index = current_app.extensions.get("search_index")
    if index is None:
        return
    try:
        index.sync()
    except Exception:  # the commit stands; the next search catches up from the log
        log.exception("search index update after commit failed")


@event.listens_for(Session, "after_rollback")
def _forget_changes(session: Session) -> None:
    session.info.pop("search_changed", None)


# -- keeping the replica fresh -----------------------------------------------------------------

_fresh_lock = threading.Lock()
_checked_at: dict[str, float] = {}


def ensure_fresh(index: SearchIndex | None = None) -> None:
    """Apply changes other workers or machines logged (at most every ``SEARCH_CATCH_UP_SECONDS``)."""
    index = index or search_index()
    key = str(index.directory)
    every = float(current_app.config.get("SEARCH_CATCH_UP_SECONDS", CATCH_UP_SECONDS)) if has_app_context() \
        else CATCH_UP_SECONDS
    now = time.monotonic()
    with _fresh_lock:
        if now - _checked_at.get(key, float("-inf")) < every:
            return
        _checked_at[key] = now
    try:
        from portal.search.models import SearchChange

        with Session(index.engine) as session:
            newest = session.scalar(select(func.max(SearchChange.id))) or 0
        try:  # the state file alone: a damaged index is found (and rebuilt) by sync or search
            state = index.read_state()
        except (OSError, ValueError, KeyError):
            state = None
        if state is None or newest > state["applied"] or state["holes"]:
            index.sync()
    except Exception:
        log.exception("search index refresh failed")


def index_record(record) -> None:
    """Log ``record`` as changed; the index follows when the caller's transaction commits."""
    from portal.extensions import db
    from portal.search.models import SearchChange

    db.session.add(SearchChange(doc_type=indexed_models()[type(record).__name__], doc_id=record_key(record)))


def remove(doc_type: str, doc_id: int) -> None:
    """Drop one document from this machine's index now (the database decides at the next sync)."""
    index = search_index()
    with index.writing():
        writer = index.open().writer(timeout=30.0)
        writer.delete_by_term("key", f"{doc_type}:{doc_id}")
        writer.commit()


def rebuild(progress=None) -> int:
    """Rebuild this machine's index from the database; returns the number of documents."""
    return search_index().rebuild(progress)


# -- queries ---------------------------------------------------------------------------------


def search(q: str, *, doc_type: str = "", category: str = "", page: int = 1,
           per_page: int = 10) -> SearchResults:
    """Ranked public results for a citizen's query."""
    index = search_index()
    ensure_fresh(index)
    vocab = vocabulary(current_app.config["CONTENT_DIR"])
    terms = query_terms(q, vocab, index.reader.spelling(vocab))
    if doc_type not in type_labels():
        doc_type = ""
    return index.search(terms, doc_type=doc_type, category=category[:32], page=page, per_page=per_page)


class PageMemo:
    """Rendered anonymous search pages of this process, keyed by URL and by everything they
    depend on: the index state (:meth:`IndexReader.state`) and the site's content generation
    (:mod:`portal.public_content`: e.g. the guide categories of the empty-results page). The
    index state is read after the catch-up with the change log, so a page rendered before a publish reached this
    index is never served after it."""

    def __init__(self, entries: int = PAGE_MEMO_ENTRIES) -> None:
        self.entries = entries
        self._pages: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def key(self, url: str) -> tuple:
        """The cache key of ``url`` now."""
        index = search_index()
        ensure_fresh(index)
        return (url, index.reader.state(), content_generation())

    def get(self, key: tuple) -> bytes | None:
        """The page stored under ``key``, or None."""
        with self._lock:
            body = self._pages.get(key)
            if body is not None:
                self._pages.move_to_end(key)
            return body

    def put(self, key: tuple, body: bytes) -> None:
        """Keep ``body`` (the least recently used page goes when full)."""
        with self._lock:
            self._pages[key] = body
            while len(self._pages) > self.entries:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        """Forget every page (the next request for each renders it afresh)."""
        with self._lock:
            self._pages.clear()


PAGES = PageMemo()


@dataclass(frozen=True)
class GuideTitle:
    """A guide title for autocomplete, with its pinyin initials."""

    title: str
    url: str
    initials: tuple[str, ...]


def guide_titles() -> list[GuideTitle]:
    """Every guide title (from the public view of each guide), kept until content changes."""
    return for_this_generation("search.guide_titles", _read_guide_titles)


def _read_guide_titles() -> list[GuideTitle]:
    from portal.catalog.models import Guide
    from portal.core.classification import PUBLIC
    from portal.disclose import disclose
    from portal.extensions import db
    from portal.searchable import public_path

    titles = []
    for guide in db.session.scalars(select(Guide).order_by(Guide.id)):
        d = disclose(guide, PUBLIC)
        titles.append(GuideTitle(d.title, public_path("catalog.detail", slug=d.slug), tuple(initials(d.title))))
    return titles


def suggest(q: str) -> list[dict]:
    """Guide titles for the search box: by substring, pinyin initials or synonym terms."""
    q = q.strip().lower()[:40]
    if not q:
        return []
    titles = guide_titles()
    found = [t for t in titles if q in t.title.lower()]
    if q.isascii():
        found += [t for t in titles if t not in found and any(i.startswith(q) for i in t.initials)]
    if len(found) < SUGGEST_LIMIT and not q.isascii():
        terms = query_terms(q, vocabulary(current_app.config["CONTENT_DIR"]))
        words = [w for w in (*terms.words, *terms.synonyms) if len(w) > 1]
        ranked = sorted(((sum(w in t.title for w in words), t) for t in titles if t not in found),
                        key=lambda pair: -pair[0])
        found += [t for score, t in ranked if score > 0]
    return [{"title": t.title, "url": t.url} for t in found[:SUGGEST_LIMIT]]


def _megabytes(app: Flask, name: str) -> int | None:
    """The setting ``name`` (app config, else environment) in bytes, or None when unset."""
    value = app.config.get(name, os.environ.get(name, ""))
    return int(float(value) * 2**20) if str(value).strip() else None


def warm_up(app: Flask) -> None:
    """Load jieba's dictionary and the query vocabulary, make sure the index exists and decode
    its most read postings (before workers fork, so that every worker shares them)."""
    jieba_module()
    vocabulary(app.config["CONTENT_DIR"])
    with app.app_context():
        try:
            index = search_index(app)
            index.sync()
            index.reader.spelling(vocabulary(app.config["CONTENT_DIR"]))  # the titles' pinyin, shared
            kept = index.warm(_megabytes(app, "SEARCH_WARM_MB"))
            log.info("search index warmed: %.1f MB of postings shared by the workers", kept / 2**20)
        except Exception:  # a database not migrated yet must not stop the server
            log.exception("search index warm-up failed")


_INDEXES: weakref.WeakSet[SearchIndex] = weakref.WeakSet()


def forget_readers(*, close: bool = False) -> None:
    """Drop every index replica's open searcher and result cache in this process; each reopens
    on its next search. After a fork the child only forgets what its parent opened (so no worker
    reads through the parent's handles); ``close=True`` closes them, in the process that opened them."""
    for index in list(_INDEXES):
        if close:
            index.reader.close()
        else:
            index.reader.forget()


# A forked worker never reads through its parent's index handles (gunicorn --preload).
os.register_at_fork(after_in_child=forget_readers)


def install_search(app: Flask) -> None:
    """Attach the index replica and bound its postings cache (``SEARCH_CACHE_MB``); warm up
    now when ``SEARCH_PRELOAD`` is set."""
    from portal.extensions import db

    directory = Path(app.config["SEARCH_INDEX_DIR"])
    with app.app_context():
        engine = db.engine
    cache = _megabytes(app, "SEARCH_CACHE_MB")
    if cache is not None:
        ranking.CACHE.resize(cache)
    app.extensions["search_index"] = index = SearchIndex(directory, engine)
    _INDEXES.add(index)
    if app.config.get("SEARCH_PRELOAD", os.environ.get("SEARCH_PRELOAD", "") in {"1", "true", "on"}):
        warm_up(app)
