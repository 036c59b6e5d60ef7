"""Names of private persons in free text (投诉人王五 → reported, then masked as 王某).

Two sources of candidates, both checked against the same exclusions:

* **jieba's part-of-speech tags**: a word tagged as a person's name (``nr``) that starts with a
  Chinese surname. jieba's dictionary is extended, in a tokenizer of our own, with the portal's
  role words (投诉人, 申请人, 民警 …) so that ``投诉人王五`` is cut as ``投诉人 / 王五``.
* **the portal's context rules**: after a role word (投诉人, 申请人, 当事人, 举报人, 报警人 …),
  before a form of address (先生, 女士, 同志 …) or in a list after such a name (``王五、李四``), a
  surname and one or two more characters are a name even when jieba did not tag it; names of
  minorities written with ``·`` (阿依古丽·买买提) are names wherever they stand.

Not reported: a surname alone (小王, 老张, 王先生: nothing more than the mask would show), words
followed by a place or unit suffix (王府井派出所, 张家口市, 黄山路), and officials acting in their
role — a title such as 民警 or 所长 with a police number after the name (警号) or a unit before
the title. jieba is loaded on first use.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from portal.core.pii_names import COMPOUND_SURNAMES
from portal.core.pii_patterns import Span
from portal.core.pii_words import (
    FORMS_OF_ADDRESS,
    LANDMARKS,
    NOT_GIVEN_NAME,
    OFFICIAL_TITLES,
    PLACE_OR_UNIT_AFTER,
    ROLE_WORDS,
    SURNAMES,
    UNIT_SUFFIXES,
)

_CJK = "\u4e00-\u9fa5"
_NAME_TAGS = frozenset({"nr", "nrfg", "nrt"})
_ROLE_RE = re.compile("(?:" + "|".join(sorted(ROLE_WORDS, key=len, reverse=True)) + r")[：:\s“\"是为]{0,2}")
_TITLE_RE = re.compile("(?:" + "|".join(sorted(FORMS_OF_ADDRESS, key=len, reverse=True)) + ")")
_LIST_JOIN_RE = re.compile(r"[、，,和与及跟]\s?")
_MINORITY_RE = re.compile(rf"[{_CJK}]{{2,6}}(?:[·•・][{_CJK}]{{2,8}})+")
_LEADING_WORD_RE = re.compile("^(?:" + "|".join(sorted(ROLE_WORDS, key=len, reverse=True)) + ")")
_POLICE_NUMBER_RE = re.compile(r"警号|警员编号|工号")
_OFFICIAL_RE = re.compile("(?:" + "|".join(sorted(OFFICIAL_TITLES, key=len, reverse=True)) + ")$")
_UNIT_RE = re.compile("(?:" + "|".join(UNIT_SUFFIXES) + ")")


@lru_cache(maxsize=1)
def _tagger() -> Any:
    """A jieba part-of-speech tokenizer that knows the portal's role and title words."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    tokenizer = jieba.Tokenizer()
    for word in (*ROLE_WORDS, *OFFICIAL_TITLES, *FORMS_OF_ADDRESS, *LANDMARKS):
        tokenizer.add_word(word, freq=200000, tag="ns" if word in LANDMARKS else "n")
    return jieba.posseg.POSTokenizer(tokenizer)


def tagged_words(text: str) -> list[tuple[int, str, str]]:
    """(start, word, part-of-speech tag) for each word jieba cuts ``text`` into."""
    out, cursor = [], 0
    for pair in _tagger().cut(text, HMM=True):
        out.append((cursor, pair.word, pair.flag))
        cursor += len(pair.word)
    return out


def _surname_length(word: str) -> int:
    if word[:2] in COMPOUND_SURNAMES and len(word) >= 3:
        return 2
    return 1 if word[:1] in SURNAMES else 0


def _shaped_like_name(word: str) -> bool:
    surname = _surname_length(word)
    if not surname or not 2 <= len(word) <= surname + 2:
        return False
    given = word[surname:]
    return bool(given) and all(char not in NOT_GIVEN_NAME for char in given)


def _is_official(text: str, start: int, end: int) -> bool:
    """A name after an official title, with a police number after it or a unit before it."""
    before = text[max(0, start - 12) : start]
    title = _OFFICIAL_RE.search(before)
    if title is None:
        return False
    if _POLICE_NUMBER_RE.search(text, end, end + 14):
        return True
    return bool(_UNIT_RE.search(before[: title.start()][-10:]))


def _excluded(text: str, start: int, end: int) -> bool:
    word = text[start:end]
    if word in LANDMARKS or text[end : end + 1] in PLACE_OR_UNIT_AFTER:
        return True
    if start > 0 and text[start - 1] in "小老" and end - start == 2:
        return True
    return _is_official(text, start, end)


def _boundaries(words: list[tuple[int, str, str]]) -> set[int]:
    return {start for start, _word, _tag in words} | {start + len(word) for start, word, _tag in words}


def _name_at(text: str, start: int, cuts: set[int]) -> Span | None:
    """A name starting at ``start`` (surname and one or two characters), cut where jieba cuts."""
    surname = 2 if text[start : start + 2] in COMPOUND_SURNAMES else (1 if text[start : start + 1] in SURNAMES else 0)
    if not surname:
        return None
    for length in (surname + 2, surname + 1):
        word = text[start : start + length]
        if len(word) == length and re.fullmatch(f"[{_CJK}]+", word) and _shaped_like_name(word):
            if start + length in cuts or length == surname + 1:
                return start, start + length
    return None


def _from_context(text: str, cuts: set[int]) -> Iterator[Span]:
    for role in _ROLE_RE.finditer(text):
        span = _name_at(text, role.end(), cuts)
        while span is not None:
            yield span
            joined = _LIST_JOIN_RE.match(text, span[1])
            span = _name_at(text, joined.end(), cuts) if joined else None
    for title in _TITLE_RE.finditer(text):
        for length in (4, 3, 2):
            start = title.start() - length
            if start >= 0 and _name_at(text, start, cuts) == (start, title.start()):
                yield start, title.start()
                break


def _from_tags(words: list[tuple[int, str, str]]) -> Iterator[Span]:
    for start, word, tag in words:
        if tag in _NAME_TAGS and _shaped_like_name(word) and word[1:2] not in "小老":
            yield start, start + len(word)


def _minority_names(text: str) -> Iterator[Span]:
    """Names written with ``·``: role words and particles before them and the sentence after
    the last part are left out."""
    for match in _MINORITY_RE.finditer(text):
        start, end = match.span()
        while True:
            role = _LEADING_WORD_RE.match(text[start:end])
            if role:
                start += role.end()
            elif text[start] in NOT_GIVEN_NAME:
                start += 1
            else:
                break
        last = max(text.rfind(dot, start, end) for dot in "·•・")
        tail = last + 1
        while tail < end and tail - last <= 4 and text[tail] not in NOT_GIVEN_NAME:
            tail += 1
        if last - start >= 2 and tail - last >= 3:
            yield start, tail


def scan_names(text: str) -> Iterator[Span]:
    """Spans of names of private persons in ``text`` (see the module docstring)."""
    if not re.search(f"[{_CJK}]", text):
        return
    words = tagged_words(text)
    cuts = _boundaries(words)
    seen: set[Span] = set()
    candidates = [*_from_context(text, cuts), *_from_tags(words),
                  *_minority_names(text)]
    for span in candidates:
        if span not in seen and not _excluded(text, *span):
            seen.add(span)
            yield span
