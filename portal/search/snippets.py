"""Highlighted titles and snippets without re-segmenting the text (pure, no Flask).

Whoosh's highlighter runs the analyzer — jieba — over every shown document again, which cost
more than the whole ranking. The query's words are already known, so they are found in the
stored text directly (longest first, case-insensitive for ASCII): every character outside a ``<mark>`` is
HTML-escaped, so the result is safe to mark as HTML.
"""

from __future__ import annotations

import html

ELLIPSIS = "…"


def ordered(words: frozenset[str]) -> tuple[str, ...]:
    """The query words as :func:`spans` tries them: lowercased, longest first."""
    return tuple(sorted({w.lower() for w in words if w.strip()}, key=lambda w: (-len(w), w)))


def searchable(text: str) -> str:
    """``text`` as words are looked for in it: lowercased, unless that changes the offsets."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text


def spans(text: str, words: frozenset[str] | tuple[str, ...], lowered: str | None = None) -> list[tuple[int, int]]:
    """(start, end) of every non-overlapping occurrence of a query word in ``text``, longer
    words first (plain ``str.find``: a fresh regex per query cost more than the search).
    ``words`` may come prepared by :func:`ordered`, ``lowered`` by :func:`searchable`."""
    if not text or not words:
        return []
    if lowered is None:
        lowered = searchable(text)
    taken = bytearray(len(text))
    found = []
    for word in words if isinstance(words, tuple) else ordered(words):
        start = lowered.find(word)
        while start != -1:
            end = start + len(word)
            if not any(taken[start:end]):
                taken[start:end] = b"\x01" * len(word)
                found.append((start, end))
            start = lowered.find(word, end)
    return sorted(found)


def _marked(text: str, found: list[tuple[int, int]], start: int, end: int) -> str:
    out, cursor = [], start
    for s, e in found:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out += [html.escape(text[cursor:s], quote=False), "<mark>", html.escape(text[s:e], quote=False), "</mark>"]
        cursor = e
    out.append(html.escape(text[cursor:end], quote=False))
    return "".join(out)


def highlight_all(text: str, words: frozenset[str] | tuple[str, ...], lowered: str | None = None) -> str:
    """The whole ``text`` escaped with every query word marked; "" when none occurs."""
    found = spans(text, words, lowered)
    return _marked(text, found, 0, len(text)) if found else ""


def snippet(text: str, words: frozenset[str] | tuple[str, ...], width: int = 140, before: int = 45,
            top: int = 2, lowered: str | None = None) -> str:
    """Up to ``top`` windows of ``width`` characters around the first matches, each starting
    ``before`` characters ahead of its first match, joined by " … "; "" when nothing matches."""
    found = spans(text, words, lowered)
    windows: list[tuple[int, int]] = []
    for s, _e in found:
        if len(windows) == top:
            break
        if windows and s < windows[-1][1]:
            continue
        start = max(0, s - before)
        windows.append((start, min(len(text), start + width)))
    parts = []
    for start, end in windows:
        body = _marked(text, found, start, end)
        parts.append((ELLIPSIS if start > 0 else "") + body + (ELLIPSIS if end < len(text) else ""))
    return " ".join(parts)
