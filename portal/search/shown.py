"""The results a page shows, built from the open searcher and kept while it stays open.

Showing ten results cost more than ranking them: each document's stored fields read and
decompressed from disk, its text lowercased and searched for every query word. Per open searcher
(a commit opens a new searcher and with it a new :class:`ShownDocuments`), bounded, this keeps
each shown document's stored fields and lowered text, and its highlighted title and snippet per
*set of query words the document contains*: a new query that shares its words with an earlier
one (a different filler word, a word the document lacks) reuses them.
"""

from __future__ import annotations

import html
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from markupsafe import Markup

from portal.search.documents import type_labels
from portal.search.snippets import highlight_all, ordered, searchable, snippet

DOCUMENT_ENTRIES = 256  # documents whose stored fields are kept per open searcher
MARKED_ENTRIES = 4096  # (document, words) pairs whose highlighted title and snippet are kept
HELD_ENTRIES = 16384  # (document, word) pairs whose presence is kept; emptied when full
PLAIN_SNIPPET = 120  # characters shown from the start of a body that holds none of the words


class Hit(NamedTuple):
    """One result, safe to show: title and snippet are escaped HTML with ``<mark>`` only."""

    title: Markup
    snippet: Markup
    doc_type: str
    category: str
    category_name: str
    url: str
    tag: str  # what the result is: its type's name, and its guide category's when that differs
    score: float
    date: datetime | None


class _Document(NamedTuple):  # a tuple of plain values: the garbage collector stops tracking it
    stored: dict
    text: str  # title and body, lowered as words are looked for in them, joined by a line break
    title_length: int

    def lowered(self) -> tuple[str, str]:
        """The lowered title and body."""
        return self.text[:self.title_length], self.text[self.title_length + 1:]


class ShownDocuments:
    """Stored fields and highlighted parts of the documents one searcher showed (callers serialise)."""

    def __init__(self, searcher, documents: int = DOCUMENT_ENTRIES, marked: int = MARKED_ENTRIES) -> None:
        self.searcher = searcher
        self.limits = (documents, marked)
        self._documents: OrderedDict[int, _Document] = OrderedDict()
        self._marked: OrderedDict[tuple, tuple[Markup, Markup, str, str, str, str, str]] = OrderedDict()
        self._holds: dict[tuple[int, str], bool] = {}  # (document, word) → the word is in its text

    def _document(self, docnum: int) -> _Document:
        found = self._documents.get(docnum)
        if found is not None:
            self._documents.move_to_end(docnum)
            return found
        stored = self.searcher.stored_fields(docnum)
        title, body = searchable(stored["title"]), searchable(stored.get("body", ""))
        found = _Document(stored, f"{title}\n{body}", len(title))
        self._documents[docnum] = found
        if len(self._documents) > self.limits[0]:
            self._documents.popitem(last=False)
        return found

    def hits(self, ranked: Sequence[tuple[int, float]], words: frozenset[str]) -> list[Hit]:
        """The shown results of ``ranked`` (docnum, score) pairs for a query of ``words``."""
        prepared = ordered(words)
        return [self._hit(docnum, score, prepared) for docnum, score in ranked]

    def _present(self, docnum: int, text: str, words: tuple[str, ...]) -> tuple[str, ...]:
        """The ``words`` found in a document's lowered ``text``: each looked for once per
        document (a word the text lacks is otherwise searched for through all of it)."""
        holds = self._holds
        if len(holds) > HELD_ENTRIES:
            holds.clear()
        present = []
        for word in words:
            found = holds.get((docnum, word))
            if found is None:
                found = holds[(docnum, word)] = word in text
            if found:
                present.append(word)
        return tuple(present)

    def _hit(self, docnum: int, score: float, words: tuple[str, ...]) -> Hit:
        document = self._document(docnum)
        key = (docnum, self._present(docnum, document.text, words))
        shown = self._marked.get(key)
        if shown is None:
            shown = self._marked[key] = _shown_parts(document, key[1])
            if len(self._marked) > self.limits[1]:
                self._marked.popitem(last=False)
        else:
            self._marked.move_to_end(key)
        return Hit(*shown, round(score, 4), document.stored.get("date"))


def _shown_parts(document: _Document, words: tuple[str, ...]) -> tuple[Markup, Markup, str, str, str, str, str]:
    """What a hit of ``document`` shows for ``words`` (a :class:`Hit` without its score and
    date): the title and snippet with ``words`` marked, escaped HTML, then the stored type,
    category, category name and address, and its tag."""
    stored = document.stored
    title, body = stored["title"], stored.get("body", "")
    lowered_title, lowered_body = document.lowered()
    title_html = highlight_all(title, words, lowered_title) or html.escape(title, quote=False)
    snippet_html = snippet(body, words, lowered=lowered_body) or html.escape(
        body[:PLAIN_SNIPPET] + ("…" if len(body) > PLAIN_SNIPPET else ""), quote=False)
    label, category_name = type_labels().get(stored["type"], ""), stored.get("category_name", "")
    tag = f"{label} · {category_name}" if category_name and category_name != label else label
    return (Markup(title_html), Markup(snippet_html),  # noqa: S704 - escaped but for <mark>
            stored["type"], stored.get("category", ""), category_name, stored["url"], tag)
