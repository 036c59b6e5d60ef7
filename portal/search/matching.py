"""The site search offered to features as "what already answers this?" (see
:func:`portal.searchable.matching`): the asking form of 网上咨询 shows these before a question is sent."""

from __future__ import annotations

from portal.search.documents import type_labels
from portal.search.services import search
from portal.searchable import Match

QUERY_LENGTH = 100  # the search box's own limit


def matching_documents(text: str, limit: int) -> list[Match]:
    """The best ``limit`` public documents for ``text``: titles escaped, terms marked."""
    found = search(text.strip()[:QUERY_LENGTH], per_page=limit)
    labels = type_labels()
    return [Match(hit.title, hit.url, labels.get(hit.doc_type, "")) for hit in found.hits[:limit]]
