"""What ranking reuses while one searcher stays open: each clause's boosted scores, the filter masks.

A search ORs thirty-odd terms (words over title and body, synonyms, initials, title pieces);
computing each term's BM25F contribution costs a handful of array operations and Whoosh's idf
look-ups. Those contributions depend only on the index and the clause's boost, not on the
query, so they are kept boosted per open searcher (a commit opens a new searcher and with it a
new :class:`SearcherMemo`), bounded in bytes, and a query's scores are one concatenation and
one ``bincount``. Sums run in the query's clause order, as :func:`portal.search.ranking.scores`
does, so the scores are the same.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from portal.search import ranking
from portal.search.analysis import Vocabulary
from portal.search.decoded import entry_bytes
from portal.search.spelling import Spelling, miswritings

SCORE_CACHE_BYTES = 8 * 2**20  # per-clause contributions kept per open searcher
MASK_FIELDS = frozenset({"type", "category"})  # filters whose document masks are kept


class SearcherMemo:
    """Per-clause scores, filter masks and type names of one open searcher (callers serialise)."""

    def __init__(self, searcher, limit: int = SCORE_CACHE_BYTES) -> None:
        self.searcher = searcher
        self.limit = limit
        self.size = 0
        self._terms: OrderedDict[ranking.Clause, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._masks: dict[tuple[str, str], np.ndarray] = {}
        self._live: np.ndarray | None = None
        self._types: tuple[str, ...] | None = None
        self._spelling: tuple[Vocabulary, Spelling] | None = None

    def contribution(self, clause: ranking.Clause) -> tuple[np.ndarray, np.ndarray]:
        """Global docnums holding the clause's term and the term's score in each, boosted as
        the clause says (kept boosted: a query's scores are then one ``bincount``)."""
        found = self._terms.get(clause)
        if found is not None:
            self._terms.move_to_end(clause)
            return found
        ids, parts = ranking.contribution(self.searcher, clause.field, clause.text)
        found = (ids, parts * clause.boost)
        self._terms[clause] = found
        self.size += entry_bytes(found)
        while self.size > self.limit and len(self._terms) > 1:
            _key, old = self._terms.popitem(last=False)
            self.size -= entry_bytes(old)
        return found

    def scores(self, clauses: list[ranking.Clause]) -> tuple[np.ndarray, np.ndarray]:
        """Summed score of every document and which documents matched any clause (the values
        of :func:`portal.search.ranking.scores`)."""
        count = self.searcher.doc_count_all()
        parts = [found for found in map(self.contribution, clauses) if len(found[0])]
        matched = np.zeros(count, dtype=bool)
        if not parts:
            return np.zeros(count, dtype=np.float64), matched
        ids = np.concatenate([found[0] for found in parts])
        matched[ids] = True
        return np.bincount(ids, weights=np.concatenate([found[1] for found in parts]), minlength=count), matched

    def live(self) -> np.ndarray:
        """False for deleted documents (do not modify the returned array)."""
        if self._live is None:
            self._live = ranking.live_mask(self.searcher)
        return self._live

    def mask(self, field: str, text: str) -> np.ndarray:
        """Documents holding ``field:text`` (kept for the filter fields; do not modify)."""
        key = (field, text)
        found = self._masks.get(key)
        if found is None:
            found = ranking.term_mask(self.searcher, field, text)
            if field in MASK_FIELDS and len(self._masks) < 4096:
                self._masks[key] = found
        return found

    def type_counts(self, visible: np.ndarray) -> dict[str, int]:
        """How many ``visible`` documents each document type has (types without any left out)."""
        if self._types is None:
            self._types = tuple(self.searcher.reader().field_terms("type"))
        counts = {}
        for name in self._types:
            count = int(np.count_nonzero(visible & self.mask("type", name)))
            if count:
                counts[name] = count
        return counts

    def spelling(self, vocab: Vocabulary) -> Spelling:
        """The known words of this index (its titles' terms, weighted by how many titles hold
        them) and of ``vocab``'s synonym rules, for respelling queries."""
        if self._spelling is None or self._spelling[0] is not vocab:
            reader = self.searcher.reader()
            from_bytes = self.searcher.schema["title"].from_bytes
            titles = [(from_bytes(raw), info.doc_frequency()) for raw, info in reader.iter_field("title")]
            synonyms = [(word, 1) for keys, targets in vocab.rules for word in (*keys, *targets)]
            self._spelling = (vocab, Spelling([*titles, *synonyms], miswritings()))
        return self._spelling[1]
