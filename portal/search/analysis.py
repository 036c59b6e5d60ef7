"""Chinese text analysis for the search index: jieba tokens, synonyms, stop words, initials.

Documents are segmented with jieba's *search* mode (``居民身份证`` also yields ``身份证``
and ``身份``), so a citizen's shorter word matches inside the official term. What citizens
say differs from what guides say (补办 vs 补领, 驾照 vs 驾驶证): the staff-editable lists
``content/search-synonyms.txt`` and ``content/search-stopwords.txt`` are applied at query
time only, so editing them needs no reindex.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import string
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from whoosh.analysis import LowercaseFilter, Token, Tokenizer

_JIEBA_LOCK = threading.Lock()
_jieba_ready = False
_WORDLIKE = re.compile(r"[\w\u3400-\u9fff]")
_ASCII_WORD = re.compile(r"^[a-z0-9]+$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_LETTER = re.compile(r"[A-Za-z]")
_ALNUM_RUN = re.compile(r"[A-Za-z0-9]+")
_ALNUM = string.ascii_letters + string.digits
_word_starts: re.Pattern[str] | None = None  # set with jieba (see _ascii_word_starts)


def jieba_module():
    """jieba, with its dictionary loaded once per process (≈0.5 s; call before forking)."""
    global _jieba_ready, _word_starts
    import jieba

    if not _jieba_ready:
        with _JIEBA_LOCK:
            if not _jieba_ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _word_starts = _ascii_word_starts(jieba)
                _jieba_ready = True
    return jieba


def _ascii_word_starts(jieba) -> re.Pattern[str] | None:
    """A pattern finding any two ASCII letters or digits that begin a word of jieba's
    dictionary (which lists every prefix of its words), or None when no word begins so."""
    pairs = [a + b for a in _ALNUM for b in _ALNUM if jieba.get_FREQ(a + b) is not None]
    return re.compile("|".join(pairs)) if pairs else None


def _single_token(text: str) -> bool:
    """True when jieba's search mode would give ``text`` back as one token: a run of ASCII
    letters and digits in which no two neighbouring characters begin a dictionary word, so no
    word can be found inside it and the whole run is kept as one (a serial number, a licence
    plate's letters, a code)."""
    return _ALNUM_RUN.fullmatch(text) is not None and (_word_starts is None or _word_starts.search(text) is None)


def segment(text: str) -> list[tuple[str, int, int]]:
    """(word, start, end) of every search-mode token of ``text`` that is a word."""
    jieba = jieba_module()
    if _single_token(text):
        return [(text.lower(), 0, len(text))]
    return [(word.lower(), start, end) for word, start, end in jieba.tokenize(text, mode="search")
            if _WORDLIKE.search(word)]


_CHUNK_WORDS: dict[str, tuple[str, ...]] = {}  # plain values: nothing for the garbage collector to track
CHUNK_ENTRIES = 8192


def _chunk_words(chunk: str) -> tuple[str, ...]:
    found = _CHUNK_WORDS.get(chunk)
    if found is None:
        found = tuple(word for word, _s, _e in segment(chunk))
        if len(_CHUNK_WORDS) >= CHUNK_ENTRIES:
            _CHUNK_WORDS.clear()
        _CHUNK_WORDS[chunk] = found
    return found


def words_of(text: str) -> list[str]:
    """The search-mode words of ``text`` (as :func:`segment` finds them, without offsets).
    jieba segments runs between spaces on their own, so each run's words are remembered: a new
    query made of parts seen before is not segmented again."""
    return [word for chunk in text.split() for word in _chunk_words(chunk[:100])]


class JiebaTokenizer(Tokenizer):
    """A Whoosh tokenizer over jieba's search-mode segmentation (positions and offsets kept)."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        for number, (word, start, end) in enumerate(segment(value)):
            token.original = token.text = word
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + number
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


def chinese_analyzer():
    """The analyzer of the indexed text fields."""
    return JiebaTokenizer() | LowercaseFilter()


def bigrams(text: str) -> list[str]:
    """Overlapping two-character pieces of the CJK runs of ``text`` (tolerates one-character typos)."""
    pieces: list[str] = []
    for run in re.findall(r"[\u3400-\u9fff]+", text):
        pieces.extend(run[i:i + 2] for i in range(len(run) - 1))
    return pieces


def initials(text: str) -> list[str]:
    """Pinyin initials of ``text`` and of each of its words: 居民身份证补领 → jmsfzbl, sfz, bl ..."""
    from pypinyin import Style, lazy_pinyin

    def letters(chunk: str) -> str:
        return "".join(p[0] for p in lazy_pinyin(chunk, style=Style.FIRST_LETTER) if p and p[0].isalpha())

    cjk = "".join(_CJK.findall(text))
    found = {letters(cjk)} if cjk else set()
    found.update(letters(word) for word, _s, _e in segment(cjk) if len(word) > 1)
    return sorted(item for item in found if len(item) > 1)


@dataclass
class Vocabulary:
    """The staff-edited synonym rules and stop words."""

    rules: list[tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)
    stopwords: frozenset[str] = frozenset()
    _by_chunk: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False, compare=False)
    _keys: tuple[dict[str, tuple[int, ...]], tuple[tuple[str, int], ...]] | None = field(
        default=None, repr=False, compare=False)
    _first: dict[str, tuple[tuple[str, int], ...]] | None = field(default=None, repr=False, compare=False)

    def expansions(self, query: str, tokens: list[str]) -> list[str]:
        """Terms a rule adds for ``query``: keys of two or more characters match inside the
        query, one-character keys only as a whole token. Longer keys are looked for per run
        between spaces, and what each run matched is remembered (like the runs' words)."""
        lowered = query.lower()
        matched: set[int] = set()
        for chunk in lowered.split():
            matched.update(self._rules_in(chunk[:100]))
        single, spaced = self._by_key()
        for token in set(tokens):
            matched.update(single.get(token, ()))
        matched.update(number for key, number in spaced if key in lowered)
        added: list[str] = []
        for number in sorted(matched):
            added.extend(t for t in self.rules[number][1] if t not in added)
        return added

    def _by_key(self) -> tuple[dict[str, tuple[int, ...]], tuple[tuple[str, int], ...]]:
        """The rules of one-character keys by key, and the (key, rule) pairs of keys holding a space."""
        if self._keys is None:
            single: dict[str, tuple[int, ...]] = {}
            spaced = []
            for number, (keys, _targets) in enumerate(self.rules):
                for key in keys:
                    if len(key) == 1:
                        single[key] = (*single.get(key, ()), number)
                    elif " " in key:
                        spaced.append((key, number))
            self._keys = (single, tuple(spaced))
        return self._keys

    def _by_first(self) -> dict[str, tuple[tuple[str, int], ...]]:
        """(key, rule) pairs of the keys of two or more characters, by their first character."""
        if self._first is None:
            first: dict[str, tuple[tuple[str, int], ...]] = {}
            for number, (keys, _targets) in enumerate(self.rules):
                for key in keys:
                    if len(key) > 1:
                        first[key[0]] = (*first.get(key[0], ()), (key, number))
            self._first = first
        return self._first

    def _rules_in(self, chunk: str) -> tuple[int, ...]:
        """Numbers of the rules with a key of two or more characters inside ``chunk``."""
        found = self._by_chunk.get(chunk)
        if found is None:
            by_first = self._by_first()
            found = tuple(sorted({number for char in set(chunk) for key, number in by_first.get(char, ())
                                  if key in chunk}))
            if len(self._by_chunk) >= CHUNK_ENTRIES:
                self._by_chunk.clear()
            self._by_chunk[chunk] = found
        return found


def _parse_rules(text: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    rules: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if "=>" in line:
            left, right = line.split("=>", 1)
            keys = tuple(k.strip().lower() for k in re.split(r"[,，、]", left) if k.strip())
            targets = tuple(right.lower().split())
            if keys and targets:
                rules.append((keys, targets))
        elif "=" in line:
            group = tuple(w.strip().lower() for w in line.split("=") if w.strip())
            for word in group:
                rules.append(((word,), tuple(w for w in group if w != word)))
    return rules


VOCABULARY_CHECK_SECONDS = 1.0  # how often the lists' files are looked at for edits
_VOCAB_CACHE: dict[str, tuple[float, float, Vocabulary]] = {}  # folder → (mtimes, checked at, lists)


def vocabulary(content_dir: str | os.PathLike, every: float = VOCABULARY_CHECK_SECONDS) -> Vocabulary:
    """The synonym and stop-word lists of ``content_dir``, re-read when either file changes
    (the files are looked at no more often than every ``every`` seconds)."""
    cached = _VOCAB_CACHE.get(str(content_dir))
    now = time.monotonic()
    if cached is not None and now - cached[1] < every:
        return cached[2]
    synonyms = os.path.join(content_dir, "search-synonyms.txt")
    stops = os.path.join(content_dir, "search-stopwords.txt")
    stamp = 0.0
    for path in (synonyms, stops):
        with contextlib.suppress(FileNotFoundError):
            stamp += os.stat(path).st_mtime
    if cached is not None and cached[0] == stamp:
        _VOCAB_CACHE[str(content_dir)] = (stamp, now, cached[2])
        return cached[2]
    rules = _parse_rules(Path(synonyms).read_text(encoding="utf-8")) if os.path.exists(synonyms) else []
    words: set[str] = set()
    if os.path.exists(stops):
        for raw in Path(stops).read_text(encoding="utf-8").splitlines():
            words.update(raw.split("#", 1)[0].lower().split())
    loaded = Vocabulary(rules, frozenset(words))
    _VOCAB_CACHE[str(content_dir)] = (stamp, now, loaded)
    return loaded


@dataclass(frozen=True)
class QueryTerms:
    """What a citizen's query is searched with."""

    words: tuple[str, ...]  # jieba tokens of the query, stop words removed
    synonyms: tuple[str, ...]  # tokens of the terms the synonym rules added
    letters: tuple[str, ...]  # ASCII tokens, tried against pinyin initials
    pieces: tuple[str, ...]  # two-character pieces (typo tolerance)

    @property
    def empty(self) -> bool:
        """True when nothing searchable is left."""
        return not (self.words or self.synonyms or self.letters)


class Respelling(Protocol):
    """What corrects a query before analysis (:class:`portal.search.spelling.Spelling`)."""

    def respell(self, query: str) -> str:
        """``query`` with miswritings corrected and pinyin written as words."""


def query_terms(query: str, vocab: Vocabulary, spelling: Respelling | None = None) -> QueryTerms:
    """Segment ``query`` (respelled by ``spelling``: miswritings, pinyin), drop stop words, add
    synonym terms, keep initials (of the query as typed) and bigrams."""
    query = query.strip()[:100]
    typed = [t for t in words_of(query) if _ASCII_WORD.match(t) and not t.isdigit()] if _LETTER.search(query) else []
    if spelling is not None:
        query = spelling.respell(query)
    tokens = words_of(query)
    words = [t for t in dict.fromkeys(tokens) if t not in vocab.stopwords]
    added: list[str] = []
    for term in vocab.expansions(query, tokens):
        for word in words_of(term):
            if word not in words and word not in added and word not in vocab.stopwords:
                added.append(word)
    letters = [t for t in dict.fromkeys(typed) if t not in vocab.stopwords]
    pieces = [p for p in dict.fromkeys(bigrams(query)) if p not in vocab.stopwords]
    return QueryTerms(tuple(words), tuple(added), tuple(letters), tuple(pieces))
