"""Answering queries from this machine's index: one open searcher, ranked arrays, a result cache.

The searcher stays open between requests and is reopened only when the index on disk changed:
its *version* is the newest table-of-contents file of the index (generation, inode, mtime), so
a commit by any worker of the machine, or a rebuild that restarts the generation count, is seen
by every worker on its next search. Results of popular queries are kept per process, keyed by
that version and by the set of documents not yet visible at the time of the search (scheduled
notices): a publish, an edit, a withdrawal or a scheduled notice's time coming all change the
key, so a cached page can never hide them. Warm-up (before workers fork) decodes the busiest
postings once for every worker; each worker then opens its own file handles.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
import warnings
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from whoosh.query import DateRange, Or, Term

from portal.core.timefmt import utcnow
from portal.search import ranking
from portal.search.analysis import QueryTerms, Vocabulary
from portal.search.scoring import SearcherMemo
from portal.search.shown import Hit, ShownDocuments
from portal.search.spelling import Spelling

__all__ = ["BOOSTS", "Hit", "IndexReader", "IndexStore", "SearchResults", "build_query", "clauses"]


class IndexStore(Protocol):
    """What a reader needs of an index replica (``portal.search.index.SearchIndex`` provides it)."""

    directory: Path

    def healthy(self) -> bool:
        """True when the replica on disk can be opened."""

    def sync(self) -> int:
        """Bring the replica up to date with the database; return how many documents changed."""

    def open(self) -> Any:
        """The opened Whoosh index."""

    def open_for_search(self) -> Any:
        """The opened Whoosh index, for a searcher kept open between searches."""


log = logging.getLogger(__name__)

BOOSTS = {"title": 6.0, "body": 1.0, "synonym": 0.7, "initials": 8.0, "pieces": 1.5}
RESULT_CACHE_ENTRIES = 256
WARM_FIELDS = ("title", "body", "title_pieces", "initials")  # frequent terms decoded at warm-up
FILTER_FIELDS = ("type",)  # every search counts per type
HIDDEN_MEMO = timedelta(seconds=1)  # how long the set of not-yet-visible documents is reused
SETTLED_NS = 2 * 10**9  # a folder unchanged this long gets a later mtime at its next change
_TOC = re.compile(r"^_MAIN_(\d+)\.toc$")


@dataclass(frozen=True)
class SearchResults:
    """One page of results with the per-type counts of the whole result set."""

    hits: list[Hit]
    total: int
    page: int
    pages: int
    type_counts: dict[str, int] = field(default_factory=dict)
    cached: bool = False  # answered from this process's result cache


def clauses(terms: QueryTerms) -> list[ranking.Clause]:
    """Every term over title and body (title weighs more), synonyms weigh less, plus pinyin
    initials and title bigrams: boosts on one OR, no second query."""
    found = []
    for words, weight in ((terms.words, 1.0), (terms.synonyms, BOOSTS["synonym"])):
        for word in words:
            found.append(ranking.Clause("title", word, BOOSTS["title"] * weight))
            found.append(ranking.Clause("body", word, BOOSTS["body"] * weight))
    found.extend(ranking.Clause("initials", letters, BOOSTS["initials"]) for letters in terms.letters)
    found.extend(ranking.Clause("title_pieces", piece, BOOSTS["pieces"]) for piece in terms.pieces)
    return found


def build_query(terms: QueryTerms):
    """The same clauses as a Whoosh query (for tools that use Whoosh's own matching)."""
    return Or([Term(c.field, c.text, boost=c.boost) for c in clauses(terms)])


# One ranked page as the result cache keeps it: (docnum, score) pairs, total, pages, per-type counts.
Ranked = tuple[tuple[tuple[int, float], ...], int, int, tuple[tuple[str, int], ...]]


class IndexReader:
    """The open searcher and the result cache of one index replica, shared by a process's threads.
    A forked child reopens the index files on its first search (the warmed postings stay)."""

    def __init__(self, index: IndexStore, cache_entries: int = RESULT_CACHE_ENTRIES) -> None:
        self.index = index
        self.cache_entries = cache_entries
        self._lock = threading.RLock()
        self._searcher = None
        self._memo: SearcherMemo | None = None
        self._shown: ShownDocuments | None = None
        self._closer: weakref.finalize | None = None
        self._version: tuple | None = None
        self._listed: tuple | None = None  # ((folder inode, folder mtime), version) of the last listing
        self._results: OrderedDict[tuple, Ranked] = OrderedDict()
        self._hidden_memo: tuple | None = None
        self.hits = self.misses = 0

    def version(self) -> tuple | None:
        """(generation, inode, mtime) of the newest table of contents, or None without an index.
        The folder is listed again only when its own inode or mtime moved (every commit adds a
        file), or when it changed within the last :data:`SETTLED_NS`: a change in the same tick of
        the file system's clock as the previous one could leave its mtime where it was."""
        try:
            folder = os.stat(self.index.directory)
        except FileNotFoundError:
            return None
        stamp = (folder.st_ino, folder.st_mtime_ns)
        listed = self._listed
        if listed is not None and listed[0] == stamp:
            return listed[1]
        newest = self._newest_toc()
        self._listed = (stamp, newest) if time.time_ns() - folder.st_mtime_ns > SETTLED_NS else None
        return newest

    def _newest_toc(self) -> tuple | None:
        newest = None
        try:
            with os.scandir(self.index.directory) as entries:
                for entry in entries:
                    match = _TOC.match(entry.name)
                    if match and (newest is None or int(match.group(1)) > newest[0]):
                        stat = entry.stat()
                        newest = (int(match.group(1)), stat.st_ino, stat.st_mtime_ns)
        except FileNotFoundError:
            return None
        return newest

    def clear_cache(self) -> None:
        """Forget cached results (benchmarks measure uncached searches with this)."""
        with self._lock:
            self._results.clear()

    def close(self) -> None:
        """Close the searcher (it is reopened on the next search)."""
        with self._lock:
            if self._closer is not None:
                self._closer()
            self._searcher, self._closer, self._version = None, None, None
            self._memo = self._shown = None
            self._results.clear()

    def forget(self) -> None:
        """In a forked child: drop the searcher and cached results the parent opened, with a fresh
        lock (a thread of the parent may have held it). The child's copies of the index files are
        closed (read without mmap, they would share the parent's read position); the warmed
        postings stay. The next search opens the index anew."""
        self._lock = threading.RLock()
        if self._closer is not None:
            self._closer()
        self._searcher, self._closer, self._version, self._hidden_memo = None, None, None, None
        self._memo = self._shown = None
        self._results = OrderedDict()

    def warm(self, budget: int = ranking.WARM_BYTES) -> int:
        """Open the searcher and decode what searches read most, about ``budget`` bytes kept for
        the life of the process (called before workers fork, so they share it); returns the
        bytes kept."""
        with self._lock:
            kept = ranking.warm(self._current(), WARM_FIELDS, FILTER_FIELDS, budget)
            self.close()  # its files are not shared with forked workers: each opens its own
            return kept

    def _current(self):
        version = self.version()
        if self._searcher is None or version != self._version or version is None:
            self.close()
            searcher = self._open_searcher() if version is not None else None
            if searcher is None:
                log.warning("search index missing or unreadable; rebuilding from the database")
                self.index.sync()
                version = self.version()
                searcher = self.index.open_for_search().searcher()
            self._searcher = searcher
            self._memo, self._shown = SearcherMemo(searcher), ShownDocuments(searcher)
            self._closer = weakref.finalize(self, self._searcher.close)  # files closed with the reader
            self._version = version
        return self._searcher

    def _open_searcher(self):
        """A searcher of the index on disk, or None when it cannot be read (opening it reads
        every segment's directory: no separate health check, which would open them twice)."""
        with warnings.catch_warnings():
            # Whoosh leaves a corrupt file open when it fails: drop that warning with the handle.
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                return self.index.open_for_search().searcher()
            except Exception:  # any failure to read means: rebuild
                return None

    def spelling(self, vocab: Vocabulary) -> Spelling:
        """What respells queries for the index as it is now (see :mod:`portal.search.spelling`)."""
        with self._lock:
            if self._memo is None:  # the search itself checks the version: an older one may respell
                self._current()
            if self._memo is None:  # set with the searcher by _current()
                raise RuntimeError("the index has no open searcher")
            return self._memo.spelling(vocab)

    def state(self, now: datetime | None = None) -> tuple:
        """What any answer of this index depends on at ``now``: the index version and the
        documents not visible yet (for caches of whole pages built from the answers)."""
        with self._lock:
            searcher = self._current()
            return self._version, self._hidden(searcher, now or utcnow())

    def search(self, terms: QueryTerms, *, doc_type: str = "", category: str = "", page: int = 1,
               per_page: int = 10, now: datetime | None = None) -> SearchResults:
        """One page of ranked results among the documents visible at ``now``."""
        if terms.empty:
            return SearchResults([], 0, 1, 0)
        page = max(1, page)
        with self._lock:
            try:
                return self._search(terms, doc_type, category, page, per_page, now or utcnow())
            except Exception:  # an index damaged under an open searcher: reopen (rebuild) once
                log.exception("search failed; reopening the index")
                self.close()
                return self._search(terms, doc_type, category, page, per_page, now or utcnow())

    def _search(self, terms: QueryTerms, doc_type: str, category: str, page: int, per_page: int,
                now: datetime) -> SearchResults:
        searcher = self._current()
        hidden = self._hidden(searcher, now)
        # Keys and entries are tuples of plain values: the garbage collector stops tracking them,
        # so a cache that turns over with every new query adds nothing to its full collections.
        key = (terms.words, terms.synonyms, terms.letters, terms.pieces, doc_type, category, page, per_page, hidden)
        ranked = self._results.get(key)
        was_cached = ranked is not None
        if ranked is not None:
            self._results.move_to_end(key)
            self.hits += 1
        else:
            self.misses += 1
            ranked = self._rank(searcher, terms, doc_type, category, page, per_page, hidden)
            if self.cache_entries:
                self._results[key] = ranked
                while len(self._results) > self.cache_entries:
                    self._results.popitem(last=False)
        shown = self._shown
        if shown is None:  # set with the searcher by _current()
            raise RuntimeError("the index has no open searcher")
        top, total, pages, type_counts = ranked
        return SearchResults(shown.hits(top, frozenset((*terms.words, *terms.synonyms))), total, page, pages,
                             dict(type_counts), cached=was_cached)

    def _hidden(self, searcher, now: datetime) -> tuple[int, ...]:
        """Documents not visible yet at ``now`` (scheduled notices), remembered for up to
        :data:`HIDDEN_MEMO` of the same index version."""
        memo = self._hidden_memo
        if memo is not None and memo[0] == self._version and memo[1] <= now < memo[1] + HIDDEN_MEMO:
            return memo[2]
        hidden = tuple(sorted(searcher.docs_for_query(DateRange("visible_from", now, None, startexcl=True))))
        self._hidden_memo = (self._version, now, hidden)
        return hidden

    def _rank(self, searcher, terms: QueryTerms, doc_type: str, category: str, page: int, per_page: int,
              hidden: tuple[int, ...]) -> Ranked:
        """(docnum, score) of the page's results, the total, the number of pages, per-type counts."""
        memo = self._memo
        if memo is None:  # set with the searcher by _current()
            raise RuntimeError("the index has no open searcher")
        score, matched = memo.scores(clauses(terms))
        visible = matched & memo.live()
        if hidden:
            visible[np.asarray(hidden, dtype=np.int64)] = False
        type_counts = memo.type_counts(visible)
        narrowed = visible
        if doc_type:
            narrowed = narrowed & memo.mask("type", doc_type)
        if category:
            narrowed = narrowed & memo.mask("category", category)
        total = int(np.count_nonzero(narrowed))
        pages = (total + per_page - 1) // per_page
        ranked = ranking.top(score, narrowed, (page - 1) * per_page, page * per_page) \
            if page <= max(pages, 1) else []
        return tuple(ranked), total, pages, tuple(type_counts.items())
