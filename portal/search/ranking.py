"""Vectorised BM25F ranking over the Whoosh index: the same scores, a hundred times faster.

Whoosh's own collector walks an OR of thirty terms posting by posting in Python; when a
citizen's words match most documents (身份证, 办理 ...) that costs seconds at 100k documents.
Here each term's postings are read block by block into numpy arrays (cached per immutable
segment, bounded in bytes), scored with Whoosh's BM25F formula and the query's boosts, and
summed into one score array; counts per type, filters and the top k are array operations.
Deleted documents, the type/category filters and the not-yet-visible documents are masks.
Nothing here decides what is public: it ranks only what the index holds.

This is the one module of the portal that reads Whoosh's internals (its on-disk postings
matcher and a segment's term table), and it is used only through
:mod:`portal.search.reading`. It was written for exactly :data:`WHOOSH_VERSION`, which
``pyproject.toml`` pins; importing it under any other version fails at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import whoosh
from whoosh.scoring import BM25F

WHOOSH_VERSION = (2, 7, 5)  # the whoosh-reloaded release whose postings this module reads


def check_whoosh_version(installed: tuple = whoosh.__version__) -> None:
    """Refuse to rank over a Whoosh release other than :data:`WHOOSH_VERSION`."""
    if tuple(installed) != WHOOSH_VERSION:
        raise RuntimeError(
            f"portal.search.ranking reads Whoosh {'.'.join(map(str, WHOOSH_VERSION))} postings, "
            f"but Whoosh {'.'.join(map(str, installed))} is installed: pin whoosh-reloaded=="
            f"{'.'.join(map(str, WHOOSH_VERSION))} or review this module against the new release"
        )


check_whoosh_version()

CACHE_BYTES = 96 * 2**20  # decoded postings kept per process


@dataclass(frozen=True)
class Clause:
    """One weighted term of the query: field, text, boost."""

    field: str
    text: str
    boost: float


class _PostingsCache:
    """LRU of decoded postings and per-segment columns, keyed by segment id (segments never change)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self._items: OrderedDict[tuple, tuple] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple, value: tuple) -> None:
        nbytes = sum(getattr(part, "nbytes", 0) for part in value)
        with self._lock:
            if key in self._items:
                return
            self._items[key] = value
            self.size += nbytes
            while self.size > self.limit and len(self._items) > 1:
                _key, old = self._items.popitem(last=False)
                self.size -= sum(getattr(part, "nbytes", 0) for part in old)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0


CACHE = _PostingsCache(CACHE_BYTES)
_EMPTY = (np.zeros(0, np.int64), np.zeros(0, np.float64))


def _segment_key(reader) -> str:
    return reader.segment().segment_id()


def _decode(matcher) -> tuple[np.ndarray, np.ndarray]:
    """All (docnum, weight) pairs of a raw term matcher, block by block."""
    ids_parts, weight_parts = [], []
    if hasattr(matcher, "_read_data") and hasattr(matcher, "_goto"):  # Whoosh 3 on-disk postings
        while not matcher._atend:
            matcher._read_ids()
            matcher._read_weights()
            ids_parts.append(np.asarray(matcher._ids, dtype=np.int64))
            weight_parts.append(np.asarray(matcher._weights, dtype=np.float64))
            if matcher._lastblock:
                break
            matcher._goto(matcher._nextoffset)
    else:  # inlined or other postings: the generic (slower) interface
        ids, weights = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        ids_parts, weight_parts = [np.asarray(ids, np.int64)], [np.asarray(weights, np.float64)]
    if not ids_parts:
        return _EMPTY
    return np.concatenate(ids_parts), np.concatenate(weight_parts)


def postings(reader, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """Segment-local docnums and weights of one term (deleted documents included)."""
    key = ("p", _segment_key(reader), field, text)
    found = CACHE.get(key)
    if found is None:
        schema_field = reader.schema[field]
        try:
            raw = schema_field.to_bytes(text)
        except ValueError:
            return _EMPTY
        if (field, raw) not in reader:
            found = _EMPTY
        else:
            found = _decode(reader._terms.matcher(field, raw, schema_field.format))
        CACHE.put(key, found)
    return found


def lengths(reader, field: str) -> np.ndarray:
    """The (quantised, as Whoosh scores them) length of ``field`` in every document of a segment."""
    key = ("l", _segment_key(reader), field)
    found = CACHE.get(key)
    if found is None:
        count = reader.doc_count_all()
        found = (np.fromiter((reader.doc_field_length(d, field, 0) for d in range(count)),
                             dtype=np.float64, count=count),)
        CACHE.put(key, found)
    return found[0]


def term_mask(searcher, field: str, text: str) -> np.ndarray:
    """Documents (global docnums) holding ``field:text``."""
    mask = np.zeros(searcher.doc_count_all(), dtype=bool)
    for reader, offset in searcher.reader().leaf_readers():
        ids, _weights = postings(reader, field, text)
        mask[ids + offset] = True
    return mask


def live_mask(searcher) -> np.ndarray:
    """False for deleted documents."""
    mask = np.ones(searcher.doc_count_all(), dtype=bool)
    for reader, offset in searcher.reader().leaf_readers():
        deleted = list(reader.segment().deleted_docs()) if reader.has_deletions() else []
        if deleted:
            mask[np.asarray(deleted, dtype=np.int64) + offset] = False
    return mask


def scores(searcher, clauses: list[Clause]) -> tuple[np.ndarray, np.ndarray]:
    """Summed BM25F score of every document, and which documents matched any clause."""
    total = np.zeros(searcher.doc_count_all(), dtype=np.float64)
    matched = np.zeros(total.shape, dtype=bool)
    weighting = searcher.weighting
    B, K1 = getattr(weighting, "B", 0.75), getattr(weighting, "K1", 1.2)
    field_b = getattr(weighting, "_field_B", {}) if isinstance(weighting, BM25F) else {}
    for clause in clauses:
        if clause.field not in searcher.schema:
            continue
        scorable = searcher.schema[clause.field].scorable
        idf = searcher.idf(clause.field, clause.text) if scorable else 0.0
        avgfl = (searcher.avg_field_length(clause.field) or 1) if scorable else 1
        b = field_b.get(clause.field, B)
        for reader, offset in searcher.reader().leaf_readers():
            ids, weights = postings(reader, clause.field, clause.text)
            if not len(ids):
                continue
            if scorable:
                fl = lengths(reader, clause.field)[ids]
                part = idf * ((weights * (K1 + 1)) / (weights + K1 * ((1 - b) + b * fl / avgfl)))
            else:
                part = weights
            total[ids + offset] += clause.boost * part
            matched[ids + offset] = True
    return total, matched


def top(score: np.ndarray, allowed: np.ndarray, start: int, stop: int) -> list[tuple[int, float]]:
    """(docnum, score) of ranks ``start``..``stop`` among ``allowed``: best score first, then docnum."""
    candidates = np.flatnonzero(allowed)
    if not len(candidates) or start >= len(candidates):
        return []
    values = score[candidates]
    if len(candidates) > stop:
        keep = np.argpartition(-values, stop - 1)[:stop]
        candidates, values = candidates[keep], values[keep]
    order = np.lexsort((candidates, -values))[start:stop]
    return [(int(candidates[i]), float(values[i])) for i in order]
