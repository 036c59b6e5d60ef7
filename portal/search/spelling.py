"""Forgiving spelling: miswritings, full pinyin and homophones become words the site holds (pure).

Before a query is analysed, :meth:`Spelling.respell` rewrites it in three steps:

1. the list of common miswritings (``data/miswritings.txt``): 身分证 → 身份证, 驾驶照 → 驾驶证,
   户口本 → 户口簿 …, the longest miswriting first;
2. runs of Latin letters that spell known words in full pinyin become those words, alone or
   inside Chinese: ``shenfenzheng`` → 身份证, ``shenfenzhengbuling`` → 身份证补领, ``hukou本`` →
   户口本. Initials (``sfz``) spell no syllables and stay as they are, for the initials field;
3. a Chinese span that is no word of the dictionary but sounds like a known word becomes it:
   身份症 → 身份证, 证名 → 证明.

*Known words* are the terms of the indexed titles and of the synonym list (and the corrections of
the miswriting list), so a correction only ever produces a word the site holds. Each run between
spaces is respelled once and remembered, like its jieba words.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path

from portal.search.analysis import jieba_module

MISWRITINGS_FILE = Path(__file__).with_name("data") / "miswritings.txt"
CHUNK_ENTRIES = 8192  # respelled runs remembered per dictionary
LONGEST_SPAN = 6  # characters of the longest Chinese span compared by its sound
_CJK_WORD = re.compile(r"^[\u3400-\u9fff]+$")
_RUNS = re.compile(r"[a-z]+|[\u3400-\u9fff]+|[^a-z\u3400-\u9fff]+")
_SOUNDS: dict[str, tuple[str, ...]] = {}  # Chinese text → its toneless syllables, kept across indexes


def syllables(text: str) -> tuple[str, ...]:
    """The toneless pinyin syllables of a run of Chinese characters, one per character."""
    found = _SOUNDS.get(text)
    if found is None:
        from pypinyin import lazy_pinyin

        found = _SOUNDS[text] = tuple(lazy_pinyin(text))
    return found


@functools.lru_cache(maxsize=4)
def miswritings(path: Path = MISWRITINGS_FILE) -> tuple[tuple[str, str], ...]:
    """The (miswriting, correction) rules of ``path``, longest miswriting first."""
    rules = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if "=>" in line:
            wrong, right = (part.strip() for part in line.split("=>", 1))
            if wrong and right:
                rules.append((wrong.lower(), right.lower()))
    return tuple(sorted(rules, key=lambda rule: -len(rule[0])))


def _in_dictionary(word: str) -> bool:
    """True when jieba's dictionary knows ``word`` (then it is not taken for a miswriting)."""
    return bool(jieba_module().get_FREQ(word))


class Spelling:
    """The known words by their sound, and the miswriting rules (callers serialise)."""

    def __init__(self, words: Iterable[tuple[str, int]], rules: tuple[tuple[str, str], ...] = ()) -> None:
        """``words``: (known word, weight) pairs; where two words sound alike the heavier wins."""
        self.rules = rules
        self.known: set[str] = set()
        weights: dict[str, int] = {}
        self.by_sound: dict[str, str] = {}
        for word, weight in (*words, *((right, 1) for _wrong, right in rules)):
            if not _CJK_WORD.match(word):
                continue
            self.known.add(word)
            sound = "".join(syllables(word))
            if weight > weights.get(sound, -1):
                weights[sound], self.by_sound[sound] = weight, word
        self.longest_sound = max((len(sound) for sound in self.by_sound), default=0)
        self._chunks: dict[str, str] = {}

    def respell(self, query: str) -> str:
        """``query`` with miswritings corrected and pinyin written as the words it spells."""
        return " ".join(self._chunk(chunk) for chunk in query.lower().split())

    def _chunk(self, chunk: str) -> str:
        found = self._chunks.get(chunk)
        if found is None:
            found = chunk
            for wrong, right in self.rules:
                if wrong in found:
                    found = found.replace(wrong, right)
            found = "".join(self._letters(run) if run.isascii() and run.isalpha() else
                            self._sounds(run) if _CJK_WORD.match(run) else run for run in _RUNS.findall(found))
            if len(self._chunks) >= CHUNK_ENTRIES:
                self._chunks.clear()
            self._chunks[chunk] = found
        return found

    def _letters(self, run: str) -> str:
        """The known words ``run`` spells in full pinyin (fewest words), or ``run`` itself."""
        if len(run) < 2:
            return run
        best: list[tuple[int, str] | None] = [(0, "")] + [None] * len(run)
        for end in range(1, len(run) + 1):
            for start in range(max(0, end - self.longest_sound), end):
                word = self.by_sound.get(run[start:end])
                before = best[start]
                if word is not None and before is not None:
                    candidate = (before[0] + 1, before[1] + word)
                    current = best[end]
                    if current is None or candidate[0] < current[0]:
                        best[end] = candidate
        spelled = best[len(run)]
        return spelled[1] if spelled is not None else run

    def _sounds(self, run: str) -> str:
        """``run`` with each span that is no word but sounds like a known word replaced by it."""
        if len(run) < 2:
            return run
        sounds = syllables(run)
        if len(sounds) != len(run):
            return run
        out, start = [], 0
        while start < len(run):
            for end in range(min(len(run), start + LONGEST_SPAN), start + 1, -1):
                span = run[start:end]
                if span in self.known:  # a word the site holds: kept, and never split
                    out.append(span)
                    start = end
                    break
                word = self.by_sound.get("".join(sounds[start:end]))
                if word is not None and not _in_dictionary(span):
                    out.append(word)
                    start = end
                    break
            else:
                out.append(run[start])
                start += 1
        return "".join(out)
