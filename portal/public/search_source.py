"""The home page's entry points (apply, track, complain, ...) as search documents."""

from __future__ import annotations

from portal.public.views import ENTRY_POINTS
from portal.searchable import EPOCH, SearchDocument, public_path


def entry_pages() -> list[SearchDocument]:
    """One document per entry point of the home page."""
    pages = []
    for key, label, text, endpoint in ENTRY_POINTS:
        url = public_path(endpoint) if endpoint else public_path("public.coming", name=key)
        pages.append(SearchDocument(
            key=f"page:{key}", doc_type="page", doc_id=key, title=label, body=text, category="",
            category_name="", url=url, date=EPOCH, visible_from=EPOCH))
    return pages
