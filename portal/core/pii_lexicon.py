"""jieba's dictionary as the name detector (:mod:`portal.core.pii_people`) consults it.

One part-of-speech tokenizer over jieba's default dictionary — the copy the search index also
loads — tags clauses (cached, since jieba's HMM over unknown words is the costly part), and tells
whether a word is a common word rather than a name: jieba tags some frequent words as names
(陈述, 许可, 孙子) and guesses that unknown compounds are names (安全法, 许可证), so frequency and
tag decide.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

NAME_TAGS = frozenset({"nr", "nrfg", "nrt"})
# A word jieba tags as a name but uses this often is a common word (陈述 763, 许可 623).
_COMMON_NAME_TAGGED = 50
_COMMON_IN_CONTEXT = 500
# A word this frequent is never part of a transliterated name (信息, 处理).
_FREQUENT = 1000
# A word jieba knows as a place this often is not a name (莫大 471); any other known word is not.
_COMMON_PLACE = 100


@lru_cache(maxsize=1)
def tagger() -> Any:
    """jieba's part-of-speech tokenizer over jieba's default dictionary, the one the search index
    also loads, so a process holds one copy of it."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    jieba.initialize()
    return jieba.posseg.dt


@lru_cache(maxsize=8192)
def tag_clause(clause: str) -> tuple[tuple[int, str, str], ...]:
    """(start, word, part-of-speech tag) of each word of ``clause``, cached per clause."""
    out, cursor = [], 0
    for pair in tagger().cut(clause, HMM=True):
        out.append((cursor, pair.word, pair.flag))
        cursor += len(pair.word)
    return tuple(out)


def is_common_word(word: str, *, in_context: bool = False) -> bool:
    """Whether jieba's dictionary knows ``word`` as something other than a person's name.

    A two-character word tagged as a name but used often (陈述, 许可, 孙子) counts as common;
    after a role word or before what one says of a person only the very frequent ones do.
    """
    pos = tagger()
    frequency = pos.tokenizer.FREQ.get(word) or 0
    tag = pos.word_tag_tab.get(word)
    if tag is None:
        return False
    if tag in NAME_TAGS:
        limit = _COMMON_IN_CONTEXT if in_context else _COMMON_NAME_TAGGED
        return len(word) == 2 and frequency >= limit
    # 余沧海 (a place), 风清扬 (an idiom): rare words, names in this context
    if in_context and len(word) > 2 and tag[:1] in "nil" and tag != "n":
        return frequency >= _COMMON_IN_CONTEXT
    if tag.startswith(("ns", "nz")):  # 马东 and 曲洋 are places, 邱淑贞 a proper noun: also names
        return frequency >= _COMMON_PLACE
    return frequency > 0


def is_common_part(part: str) -> bool:
    """A part of a candidate that is a common verb, adjective or adverb (查询, 满意), or a
    frequent noun (公众, 金额); place names and names (建国, 长江, 海燕) are given names too."""
    pos = tagger()
    tag = pos.word_tag_tab.get(part)
    if tag is None or tag in NAME_TAGS or tag.startswith(("ns", "nz", "nt")):
        return False
    frequency = pos.tokenizer.FREQ.get(part) or 0
    return frequency >= _FREQUENT if tag.startswith("n") else frequency > 0


def holds_common_word(word: str) -> bool:
    """Whether a candidate starts or ends with a common word (安全法, 许可证, 查询时, 满意度):
    jieba's model tags many unknown compounds as names."""
    return is_common_part(word[:2]) or (len(word) == 3 and is_common_part(word[1:]))


def holds_frequent_word(phrase: str) -> bool:
    """Whether a phrase joined by ``·`` holds a frequent word (信息处理费·按件计收), which a
    transliterated name does not."""
    pos = tagger()
    return any(
        pos.word_tag_tab.get(phrase[i : i + 2]) not in (None, *NAME_TAGS)
        and (pos.tokenizer.FREQ.get(phrase[i : i + 2]) or 0) >= _FREQUENT
        for i in range(len(phrase) - 1))
