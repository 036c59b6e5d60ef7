"""Which words a segment of the index may hold, answered without reading its term table.

Looking a word up in a Whoosh segment hashes it and reads the segment's term table from disk
(several microseconds). A word the index holds is looked up once: its postings are then kept
decoded. A word it does not hold (a typo, a name, a number nobody wrote) is looked up afresh in
every segment and field each time it is searched, and such words are what make most queries
never seen before.

:class:`TermFilter` is a Bloom filter of one field's words in one segment: a bit array about
two bytes per word, filled from the segment's lexicon (Whoosh's public reader interface). When
it says a word is absent, it is; when it says "maybe", the term table is asked as before, so
results never change. Segments never change either, so a filter is built once per segment and
field. Word hashes are Python's, which forked workers share with the process that built them.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

BITS_PER_WORD = 16  # with two probes: about one "maybe" in 70 for a word that is absent
_LOW32 = 0xFFFFFFFF
_HASH_BITS = 0xFFFFFFFFFFFFFFFF


class TermFilter:
    """A Bloom filter of a set of words (encoded as the index stores them), two probes."""

    def __init__(self, bits: bytes, size: int) -> None:
        self.bits = bits
        self.size = size  # bits in the filter

    @classmethod
    def of_words(cls, words: Iterable[bytes]) -> TermFilter:
        """A filter holding every word of ``words``."""
        hashes = np.fromiter((hash(word) & _HASH_BITS for word in words), dtype=np.uint64)
        size = max(64, (len(hashes) * BITS_PER_WORD + 7) // 8 * 8)
        marked = np.zeros(size, dtype=bool)
        marked[(hashes & np.uint64(_LOW32)) % np.uint64(size)] = True
        marked[(hashes >> np.uint64(32)) % np.uint64(size)] = True
        return cls(np.packbits(marked, bitorder="little").tobytes(), size)

    @classmethod
    def of_field(cls, reader, field: str) -> TermFilter:
        """A filter of every word ``field`` holds in the segment ``reader`` reads."""
        return cls.of_words(reader.lexicon(field))

    @property
    def nbytes(self) -> int:
        """Bytes the filter takes."""
        return len(self.bits)

    def may_hold(self, word: bytes) -> bool:
        """False when ``word`` is certainly not in the set; True when it may be."""
        hashed = hash(word) & _HASH_BITS
        first = (hashed & _LOW32) % self.size
        second = (hashed >> 32) % self.size
        bits = self.bits
        return bool(bits[first >> 3] >> (first & 7) & 1 and bits[second >> 3] >> (second & 7) & 1)
