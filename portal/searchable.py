"""What the site offers to search: features register their public documents here.

A feature that has something citizens should find registers a :class:`SearchSource` (its model
and a function that turns one record into a :class:`SearchDocument` built only from
``disclose()`` output); the search package reads the registry and never imports the features.
Static entry pages are registered the same way as a function returning documents.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import nh3
from flask import current_app

EPOCH = datetime(2000, 1, 1)


@dataclass(frozen=True)
class SearchDocument:
    """One document of the index, every field already filtered for the public."""

    key: str
    doc_type: str
    doc_id: str
    title: str
    body: str
    category: str
    category_name: str
    url: str
    date: datetime
    visible_from: datetime
    initials: str = ""


@dataclass(frozen=True)
class SearchSource:
    """A kind of record that is searchable: ``build`` returns its public document, or None."""

    doc_type: str
    label: str
    model: type
    build: Callable[[Any], SearchDocument | None]


_SOURCES: dict[str, SearchSource] = {}
_PAGES: dict[str, Callable[[], list[SearchDocument]]] = {}


def register_source(source: SearchSource) -> None:
    """Make ``source``'s records searchable (registering the same kind again replaces it)."""
    _SOURCES[source.doc_type] = source


def register_pages(name: str, pages: Callable[[], list[SearchDocument]]) -> None:
    """Make the documents ``pages()`` returns (static entry pages) searchable."""
    _PAGES[name] = pages


def sources() -> dict[str, SearchSource]:
    """Every registered source by document type, in registration order."""
    return dict(_SOURCES)


def page_documents() -> list[SearchDocument]:
    """Every registered static page."""
    return [document for pages in _PAGES.values() for document in pages()]


def public_path(endpoint: str, **values: Any) -> str:
    """The site path of ``endpoint``, built without a request (for documents indexed by any job)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def text_of_html(markup: str | None) -> str:
    """Plain text of an HTML fragment, whitespace collapsed."""
    return " ".join(html.unescape(nh3.clean(markup or "", tags=set())).split())


def flatten(value: Any) -> list[str]:
    """Every string inside nested lists and dicts, in order."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in flatten(item)]
    if isinstance(value, dict):
        return [text for item in value.values() for text in flatten(item)]
    return []


def as_datetime(value: Any) -> datetime:
    """A date or datetime as a datetime; anything else as the start of the index's time."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return EPOCH


def joined(parts: Iterable[str | None]) -> str:
    """The non-empty parts, one per line."""
    return "\n".join(part for part in parts if part)


@dataclass(frozen=True)
class Match:
    """A public document that answers a text already: its title (escaped HTML), link and kind."""

    title: str
    url: str
    label: str


_FINDERS: list[Callable[[str, int], list[Match]]] = []


def register_finder(finder: Callable[[str, int], list[Match]]) -> None:
    """Let features ask the site search for matches (the search package registers itself here,
    so a feature never imports it)."""
    _FINDERS[:] = [finder]


def matching(text: str, limit: int = 5) -> list[Match]:
    """Up to ``limit`` public documents matching ``text`` (none when no search is registered)."""
    if not text.strip() or not _FINDERS:
        return []
    return _FINDERS[0](text, limit)
