"""Service guides as search documents, built from what the public reads of each guide."""

from __future__ import annotations

from portal.catalog.models import Guide
from portal.core.classification import PUBLIC
from portal.disclose import disclose
from portal.searchable import EPOCH, SearchDocument, SearchSource, as_datetime, flatten, joined, public_path
from portal.searchable import text_of_html as plain


def guide_document(guide: Guide) -> SearchDocument:
    """A guide as the public reads it."""
    d = disclose(guide, PUBLIC)
    category = d.category or {}
    body = joined([plain(d.body_html), d.conditions, *flatten(d.materials), *flatten(d.steps),
                   *flatten(d.faq), d.local_note, d.agency, d.location, d.promised_label])
    return SearchDocument(
        key=f"guide:{d.id}", doc_type="guide", doc_id=str(d.id), title=d.title, body=body,
        category=category.get("code", ""), category_name=category.get("name", ""),
        url=public_path("catalog.detail", slug=d.slug), date=as_datetime(d.reviewed_on), visible_from=EPOCH)


GUIDES = SearchSource("guide", "办事指南", Guide, guide_document)
