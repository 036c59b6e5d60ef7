"""The decoded index data a process keeps: postings, field lengths and word filters.

Ranking (:mod:`portal.search.ranking`) decodes these from Whoosh's segments, which never change,
so entries are keyed by segment id and never go stale; they go only when the cache is full
(least recently used first). Entries decoded at warm-up, before workers fork, are kept apart
and stay: they live in the master's memory pages, which every worker shares.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

ENTRY_BYTES = 256  # counted for every cached entry besides its arrays (a word with no postings too)


def entry_bytes(value: tuple) -> int:
    """Bytes an entry is counted as: its arrays (and word filters) and a fixed overhead."""
    return ENTRY_BYTES + sum(getattr(part, "nbytes", 0) for part in value)


class DecodedCache:
    """Decoded postings and per-segment columns, keyed by segment id (segments never change):
    a bounded LRU, plus the *warmed* entries decoded when the index was opened, which stay
    (decoded before a fork they are the master's pages, shared by every worker)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.warmed_size = 0
        self._items: OrderedDict[tuple, tuple] = OrderedDict()
        self._warmed: dict[tuple, tuple] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple):
        """The entry under ``key`` (warmed or recently used), or None."""
        value = self._warmed.get(key)
        if value is not None:
            return value
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple, value: tuple) -> None:
        """Keep ``value``; the least recently used entries go beyond the limit."""
        with self._lock:
            if key in self._items or key in self._warmed:
                return
            self._items[key] = value
            self.size += entry_bytes(value)
            self._evict()

    def _evict(self) -> None:
        while self.size > self.limit and self._items:
            _key, old = self._items.popitem(last=False)
            self.size -= entry_bytes(old)

    def resize(self, limit: int) -> None:
        """Keep at most ``limit`` bytes of entries that are not warmed from now on."""
        with self._lock:
            self.limit = limit
            self._evict()

    def keep_warm(self, entries: dict[tuple, tuple]) -> None:
        """Make ``entries`` the warmed ones (those of segments no longer open go)."""
        with self._lock:
            for key in entries:
                old = self._items.pop(key, None)
                if old is not None:
                    self.size -= entry_bytes(old)
            self._warmed = dict(entries)
            self.warmed_size = sum(entry_bytes(value) for value in entries.values())

    def clear(self) -> None:
        """Forget every entry, warmed ones included."""
        with self._lock:
            self._items.clear()
            self._warmed = {}
            self.size = self.warmed_size = 0
