"""Names of private persons in free text (投诉人王五 → reported, then masked as 王某).

Candidates come from three places, and all pass the same checks:

* **jieba's part-of-speech tags**: a word tagged as a person's name (``nr``, ``nrfg``, ``nrt``)
  that starts with a Chinese surname, is followed by what one says of a person and neither is
  nor starts or ends with a common word of jieba's dictionary (陈述, 许可 and 孙子 are tagged
  ``nr`` there too, but are frequent words; 安全法 and 许可证 are compounds jieba guesses).
* **the portal's context rules**: a surname and one or two more characters right after a role
  word (投诉人, 申请人, 当事人, 举报人, 报警人 …), at the start of a clause when what follows
  is what one says of a person (王五反映…, 林志强对…, 杨过未…), before a form of address (先生,
  女士, 同志 …), or in a list after another name (王五、李四). The length (two or three
  characters, four with a compound surname) is the one after which such a word follows, else the
  one where jieba cuts.
* names of minorities written with ``·`` (阿依古丽·买买提), wherever they stand.

Not reported: a surname alone (小王, 老张, 王先生: nothing more than the mask would show), a
word that jieba knows as something other than a name (信息, 应当), words followed by a place or
unit (王府井派出所, 张家口市, 黄山路), and officials acting in their role — a title such as 民警
or 所长 before the name with a police number after it (警号) or a unit before the title. jieba
is loaded on first use.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from portal.core.pii_lexicon import (
    NAME_TAGS,
    holds_common_word,
    holds_frequent_word,
    is_common_part,
    is_common_word,
    tag_clause,
)
from portal.core.pii_names import COMPOUND_SURNAMES
from portal.core.pii_patterns import Span
from portal.core.pii_words import (
    FORMS_OF_ADDRESS,
    LANDMARKS,
    NAME_FOLLOWERS,
    NOT_GIVEN_NAME,
    OFFICIAL_TITLES,
    PARTICLE_SURNAMES,
    PLACE_OR_UNIT_AFTER,
    ROLE_WORDS,
    SURNAMES,
    UNIT_OR_PLACE_WORDS,
    UNIT_SUFFIXES,
)

_CJK = "\u4e00-\u9fa5"
def _alternation(words: Any) -> str:
    return "(?:" + "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)) + ")"


_ROLE_RE = re.compile(_alternation(ROLE_WORDS) + r"[：:\s“\"是为]{0,2}")
_ROLE_AT_END_RE = re.compile(_alternation(ROLE_WORDS) + "$")
_TITLE_RE = re.compile(_alternation(FORMS_OF_ADDRESS))
_FOLLOWER_RE = re.compile(_alternation(NAME_FOLLOWERS) + "|$")
_UNIT_OR_PLACE_RE = re.compile(_alternation(UNIT_OR_PLACE_WORDS))
_LIST_JOIN_RE = re.compile(r"[、和与及跟]")
_CLAUSE_START_RE = re.compile(r"(?:^|(?<=[，。；：！？,;:!?\n”」）)的]))")
_POLICE_NUMBER_RE = re.compile(r"警号|警员编号|工号")
_OFFICIAL_RE = re.compile(
    _alternation(OFFICIAL_TITLES) + rf"[：:]?(?:[{_CJK}]{{2,4}}[、和与及])*$")
_UNIT_RE = re.compile(_alternation(UNIT_SUFFIXES))
_SEPARATORS = "·•・"
# Clauses, and at most 80 characters of an unpunctuated run, so that jieba never tags a long run.
_CLAUSE_RE = re.compile(r"[^，,。！？；\n]{1,80}[，,。！？；\n]?|[，,。！？；\n]")
_LONGEST_LIST = 8  # names read after one another in a list
_LONGEST_AFTER_DOT = 16  # characters of a name after its first ``·``
_MAYBE_NAME_RE = re.compile(
    "[" + "".join(sorted(SURNAMES)) + f"][{_CJK}]{{1,3}}?" + _alternation(NAME_FOLLOWERS)
    + "|" + _alternation((*ROLE_WORDS, *FORMS_OF_ADDRESS)) + f"|[{_SEPARATORS}]"
)


def tagged_words(text: str) -> list[tuple[int, str, str]]:
    """(start, word, part-of-speech tag) for each word jieba cuts ``text`` into.

    The text is cut clause by clause (at commas and sentence ends), and only clauses that may
    hold a name (a surname before what one says of a person, a role word, a form of address, a
    ``·``) go through jieba; any other clause is one word tagged ``x``. Tagging is the costly
    part (jieba's HMM over words it does not know), so clauses are cached: boilerplate repeated
    across texts is tagged once.
    """
    out: list[tuple[int, str, str]] = []
    for clause in _CLAUSE_RE.finditer(text):
        if _MAYBE_NAME_RE.search(clause.group()):
            out.extend((clause.start() + start, word, tag)
                       for start, word, tag in tag_clause(clause.group()))
        else:
            out.append((clause.start(), clause.group(), "x"))
    return out


def _surname_length(word: str) -> int:
    if word[:2] in COMPOUND_SURNAMES and len(word) >= 3:
        return 2
    return 1 if word[:1] in SURNAMES else 0


def _shaped_like_name(word: str) -> bool:
    """A surname and one or two characters that can be a given name."""
    surname = _surname_length(word)
    if not surname or not surname + 1 <= len(word) <= surname + 2:
        return False
    if not re.fullmatch(f"[{_CJK}]+", word):
        return False
    return all(char not in NOT_GIVEN_NAME for char in word[surname:])


def _name_at(text: str, start: int, cuts: set[int]) -> Span | None:
    """A name starting at ``start``: the length after which a follower word comes, else the one
    where jieba cuts (two or three characters; three or four with a compound surname)."""
    surname = _surname_length(text[start : start + 3])
    if not surname:
        return None
    lengths = [n for n in (surname + 2, surname + 1) if _shaped_like_name(text[start : start + n])]
    lengths = [n for n in lengths if start + n <= len(text)]
    if _TITLE_RE.match(text, start + surname):  # 张阿姨, 王先生: a surname alone
        return None
    follows = [n for n in lengths if _FOLLOWER_RE.match(text, start + n)]
    # When both lengths fit, the third character is itself the follower (邓超于当日, 许仙均).
    both = [n for n in follows if start + n in cuts]
    chosen = both[-1] if both else None
    chosen = chosen or next(iter(follows), None) or next((n for n in lengths if start + n in cuts), None)
    if chosen is None or is_common_word(text[start : start + chosen], in_context=True):
        return None
    return start, start + chosen


def _with_list(text: str, span: Span | None, cuts: set[int]) -> Iterator[Span]:
    """``span`` and the names listed after it (王五、李四和赵六), at most ``_LONGEST_LIST`` of
    them: each name of a long list starts its own list, so they are all found anyway."""
    for _position in range(_LONGEST_LIST):
        if span is None:
            return
        yield span
        joined = _LIST_JOIN_RE.match(text, span[1])
        span = _name_at(text, joined.end(), cuts) if joined else None


def _from_context(text: str, cuts: set[int]) -> Iterator[Span]:
    for role in _ROLE_RE.finditer(text):
        span = _name_at(text, role.end(), cuts)
        if span is not None and not is_common_part(text[span[0] : span[0] + 2]):  # 当事人查询时
            yield from _with_list(text, span, cuts)
    for clause in _CLAUSE_START_RE.finditer(text):
        span = _name_at(text, clause.start(), cuts)
        if span is None or not _FOLLOWER_RE.match(text, span[1]):
            continue
        after_de = text[clause.start() - 1 : clause.start()] == "的"
        weak = after_de or not re.match(f"[{_CJK}]", text[span[1] : span[1] + 1])
        if weak and holds_common_word(text[span[0] : span[1]]):
            continue  # 的安全工作, 查询码, 满意度（: a noun, not a name
        yield from _with_list(text, span, cuts)
    for title in _TITLE_RE.finditer(text):
        for length in (4, 3, 2):
            start = title.start() - length
            if start >= 0 and _name_at(text, start, cuts) == (start, title.start()):
                yield start, title.start()
                break


def _from_tags(text: str, words: list[tuple[int, str, str]], cuts: set[int]) -> Iterator[Span]:
    for start, word, tag in words:
        if tag not in NAME_TAGS or not _shaped_like_name(word) or word[1:2] in "小老":
            continue
        if any(char in PLACE_OR_UNIT_AFTER for char in word[1:]) or is_common_word(word):
            continue
        if holds_common_word(word) or not _FOLLOWER_RE.match(text, start + len(word)):
            continue
        yield from _with_list(text, (start, start + len(word)), cuts)


def _minority_names(text: str) -> Iterator[Span]:
    """Names written with ``·``, without the role word before and the sentence after them."""
    for dot in (index for index, char in enumerate(text) if char in _SEPARATORS):
        if dot > 0 and text[dot - 1] in _SEPARATORS:
            continue
        start = dot
        while (start > 0 and dot - start < 6 and re.match(f"[{_CJK}]", text[start - 1])
               and not _ROLE_AT_END_RE.search(text, max(0, start - 8), start)
               and text[start - 1] not in "的了在和与及、"):
            start -= 1
        end = dot + 1
        while end < min(len(text), dot + _LONGEST_AFTER_DOT) and (
                text[end] in _SEPARATORS or re.match(f"[{_CJK}]", text[end])):
            if end - dot > 1 and text[end] not in _SEPARATORS and _FOLLOWER_RE.match(text, end) \
                    and text[end] not in "尔":
                break
            end += 1
        if dot - start >= 2 and end - dot >= 3 and text[end - 1] not in _SEPARATORS \
                and not holds_frequent_word(text[start:end]):
            yield start, end


def _is_official(text: str, start: int, end: int) -> bool:
    """A name after an official title, with a police number after it or a unit before it."""
    before = text[max(0, start - 24) : start]
    title = _OFFICIAL_RE.search(before)
    if title is None:
        return False
    if _POLICE_NUMBER_RE.search(text[end : end + 20].split("。")[0]):
        return True
    return bool(_UNIT_RE.search(before[: title.start()][-10:]))


def _starts_with_particle(text: str, start: int) -> bool:
    """A surname that is also a particle (和, 向, 由, 于 …) followed by a common word: 和农村,
    向婴儿, 由户主, 于当日 are not names."""
    if text[start : start + 1] not in PARTICLE_SURNAMES:
        return False
    return any(is_common_word(text[start + 1 : start + 1 + length]) for length in (2, 3, 4)
               if start + 1 + length <= len(text))


def _excluded(text: str, start: int, end: int) -> bool:
    word = text[start:end]
    if _starts_with_particle(text, start):
        return True
    if _TITLE_RE.match(text, start + max(_surname_length(word), 1)):  # 王先生: a surname alone
        return True
    if word in LANDMARKS or text[end : end + 1] in PLACE_OR_UNIT_AFTER:
        return True
    if _UNIT_OR_PLACE_RE.match(text, end):
        return True
    if start > 0 and text[start - 1] in "小老" and end - start == 2:
        return True
    return _is_official(text, start, end)


def scan_names(text: str) -> Iterator[Span]:
    """Spans of names of private persons in ``text`` (see the module docstring)."""
    yield from _name_spans(text)


@lru_cache(maxsize=4096)
def _name_spans(text: str) -> tuple[Span, ...]:
    """The names of ``text``, computed once per text (texts are hashed as cache keys)."""
    return tuple(_scan(text))


def _scan(text: str) -> Iterator[Span]:
    if not re.search(f"[{_CJK}]", text):
        return
    words = tagged_words(text)
    cuts = {start for start, _word, _tag in words} | {len(text)}
    seen: set[Span] = set()
    for span in (*_minority_names(text), *_from_context(text, cuts), *_from_tags(text, words, cuts)):
        if span not in seen and not _excluded(text, *span):
            seen.add(span)
            yield span
