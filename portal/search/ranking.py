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

from typing import Any, NamedTuple

import numpy as np
import whoosh
from whoosh.scoring import BM25F

from portal.search.decoded import DecodedCache, entry_bytes
from portal.search.termfilter import TermFilter

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

CACHE_BYTES = 48 * 2**20  # decoded postings a process keeps beyond the warmed ones (SEARCH_CACHE_MB)
WARM_BYTES = 48 * 2**20  # postings decoded when the index opens, shared by forked workers (SEARCH_WARM_MB)
LAZY_FILTER_DOCS = 5000  # segments this small get their word filters on first use (larger: at warm-up)
WARM_MIN_DOCS = 128  # terms in fewer documents read one block from disk: not worth warming
POSTING_BYTES = 8  # one decoded posting: int32 docnum and float32 frequency


class Clause(NamedTuple):
    """One weighted term of the query: field, text, boost (a tuple: a query makes thirty)."""

    field: str
    text: str
    boost: float


CACHE = DecodedCache(CACHE_BYTES)
_EMPTY = (np.zeros(0, np.int32), np.zeros(0, np.float32))
_NO_IDS, _NO_PARTS = np.zeros(0, np.int64), np.zeros(0, np.float64)


def _segment_key(reader) -> str:
    return reader.segment().segment_id()


def _decode(matcher) -> tuple[np.ndarray, np.ndarray]:
    """All (docnum, weight) pairs of a raw term matcher, block by block, stored compactly
    (segment docnums fit 32 bits; weights are term frequencies, exact in float32)."""
    ids_parts, weight_parts = [], []
    if hasattr(matcher, "_read_data") and hasattr(matcher, "_goto"):  # Whoosh 3 on-disk postings
        while not matcher._atend:
            matcher._read_ids()
            matcher._read_weights()
            ids_parts.append(np.asarray(matcher._ids, dtype=np.int32))
            weight_parts.append(np.asarray(matcher._weights, dtype=np.float32))
            if matcher._lastblock:
                break
            matcher._goto(matcher._nextoffset)
    else:  # inlined or other postings: the generic (slower) interface
        ids, weights = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        ids_parts, weight_parts = [np.asarray(ids, np.int32)], [np.asarray(weights, np.float32)]
    if not ids_parts:
        return _EMPTY
    return np.concatenate(ids_parts), np.concatenate(weight_parts)


def _read_postings(reader, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    schema_field = reader.schema[field]
    try:
        raw = schema_field.to_bytes(text)
    except ValueError:
        return _EMPTY
    if (field, raw) not in reader:
        return _EMPTY
    return _decode(reader._terms.matcher(field, raw, schema_field.format))


def may_hold(reader, field: str, raw: bytes) -> bool:
    """False when the segment ``reader`` reads certainly lacks the word ``raw`` in ``field``
    (its word filter says so); the filter is built on first use in segments of up to
    :data:`LAZY_FILTER_DOCS` documents, before workers fork (:func:`warm`) in larger ones."""
    key = ("f", _segment_key(reader), field)
    found = CACHE.get(key)
    if found is None:
        small = reader.doc_count_all() <= LAZY_FILTER_DOCS
        found = (TermFilter.of_field(reader, field) if small and field in reader.schema else None,)
        CACHE.put(key, found)
    return found[0] is None or found[0].may_hold(raw)


def postings(reader, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """Segment-local docnums and weights of one term (deleted documents included)."""
    key = ("p", _segment_key(reader), field, text)
    found = CACHE.get(key)
    if found is None:
        found = _read_postings(reader, field, text)
        CACHE.put(key, found)
    return found


def _read_lengths(reader, field: str) -> np.ndarray:
    count = reader.doc_count_all()
    return np.fromiter((reader.doc_field_length(d, field, 0) for d in range(count)),
                       dtype=np.float32, count=count)


def lengths(reader, field: str) -> np.ndarray:
    """The (quantised, as Whoosh scores them) length of ``field`` in every document of a segment."""
    key = ("l", _segment_key(reader), field)
    found = CACHE.get(key)
    if found is None:
        found = (_read_lengths(reader, field),)
        CACHE.put(key, found)
    return found[0]


def warm(searcher, fields: tuple[str, ...], filters: tuple[str, ...], budget: int = WARM_BYTES) -> int:
    """Decode now, and keep for the life of the process, what searches read most: the lengths
    of the scorable ``fields`` and a word filter of each of them in every segment, the postings
    of every term of the ``filters`` fields, and the postings of the terms of ``fields`` that
    span more than one block on disk, most documents first, up to about ``budget`` bytes.
    Returns the bytes kept."""
    entries: dict[tuple, tuple] = {}
    frequent: list[tuple[Any, ...]] = []
    for reader, _offset in searcher.reader().leaf_readers():
        segment = _segment_key(reader)
        for field in filters:
            for text in reader.field_terms(field):
                entries[("p", segment, field, text)] = _read_postings(reader, field, text)
        for field in fields:
            if reader.schema[field].scorable:
                entries[("l", segment, field)] = (_read_lengths(reader, field),)
            entries[("f", segment, field)] = (TermFilter.of_field(reader, field),)
            from_bytes = reader.schema[field].from_bytes
            frequent.extend((info.doc_frequency(), segment, field, from_bytes(raw), reader)
                            for raw, info in reader.iter_field(field) if info.doc_frequency() > WARM_MIN_DOCS)
    frequent.sort(key=lambda item: -item[0])
    spent = sum(entry_bytes(value) for value in entries.values())
    for count, segment, field, text, reader in frequent:
        if spent + count * POSTING_BYTES > budget:
            break
        entries[("p", segment, field, text)] = _read_postings(reader, field, text)
        spent += count * POSTING_BYTES
    CACHE.keep_warm(entries)
    return CACHE.warmed_size


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


def contribution(searcher, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """Global docnums holding ``field:text`` and the term's unboosted BM25F score in each
    (its frequency for fields that are not scorable)."""
    if field not in searcher.schema or not searcher.doc_count_all():
        return _NO_IDS, _NO_PARTS
    try:
        raw = searcher.schema[field].to_bytes(text)
    except ValueError:
        return _NO_IDS, _NO_PARTS
    found = [(reader, offset, postings(reader, field, text)) for reader, offset in searcher.reader().leaf_readers()
             if may_hold(reader, field, raw)]
    found = [(reader, offset, held) for reader, offset, held in found if len(held[0])]
    if not found:  # a word the index does not hold: no idf look-up
        return _NO_IDS, _NO_PARTS
    weighting = searcher.weighting
    scorable = searcher.schema[field].scorable
    if scorable:
        B, K1 = getattr(weighting, "B", 0.75), getattr(weighting, "K1", 1.2)
        field_b = getattr(weighting, "_field_B", {}) if isinstance(weighting, BM25F) else {}
        b = field_b.get(field, B)
        idf = searcher.idf(field, text)
        avgfl = searcher.avg_field_length(field) or 1
    ids_parts, score_parts = [], []
    for reader, offset, (ids, weights) in found:
        tf = weights.astype(np.float64)
        if scorable:
            fl = lengths(reader, field)[ids].astype(np.float64)
            tf = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - b) + b * fl / avgfl)))
        ids_parts.append(ids.astype(np.int64) + offset)
        score_parts.append(tf)
    if len(ids_parts) == 1:
        return ids_parts[0], score_parts[0]
    return np.concatenate(ids_parts), np.concatenate(score_parts)


def scores(searcher, clauses: list[Clause]) -> tuple[np.ndarray, np.ndarray]:
    """Summed BM25F score of every document, and which documents matched any clause."""
    total = np.zeros(searcher.doc_count_all(), dtype=np.float64)
    matched = np.zeros(total.shape, dtype=bool)
    for clause in clauses:
        ids, part = contribution(searcher, clause.field, clause.text)
        if len(ids):
            total[ids] += clause.boost * part
            matched[ids] = True
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
