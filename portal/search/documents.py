"""What goes into the index: the public documents the features registered (:mod:`portal.searchable`).

Indexed today: service guides, notices (published; a scheduled one is hidden until its time by a
``visible_from`` filter), complaint outcome summaries a supervisor published, and the static entry
pages. Every document is built by its feature from ``disclose()`` output; this module only reads
the registry, adds what search itself derives (pinyin initials of guide titles) and turns a
document into Whoosh field values.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from portal.search.analysis import bigrams, initials
from portal.searchable import SearchDocument, page_documents, sources

PAGE_TYPE, PAGE_LABEL = "page", "服务入口"
# Sources whose titles are also found by their pinyin initials (typed in the search box).
INITIALS_OF_TITLE = frozenset({"guide"})


def type_labels() -> dict[str, str]:
    """The Chinese name of every document type, in the order the search page lists them."""
    return {**{kind: source.label for kind, source in sources().items()}, PAGE_TYPE: PAGE_LABEL}


def indexed_models() -> dict[str, str]:
    """Class name of every searchable model → its document type (writes to them are logged)."""
    return {source.model.__name__: kind for kind, source in sources().items()}


def whoosh_fields(document: SearchDocument) -> dict:
    """The Whoosh field values of ``document``."""
    spelled = document.initials
    if not spelled and document.doc_type in INITIALS_OF_TITLE:
        spelled = " ".join(initials(document.title))
    return {"key": document.key, "type": document.doc_type, "doc_id": document.doc_id,
            "title": document.title, "title_pieces": " ".join(bigrams(document.title)),
            "initials": spelled, "body": document.body, "category": document.category,
            "category_name": document.category_name, "url": document.url, "date": document.date,
            "visible_from": document.visible_from}


def document_for(session: Session, doc_type: str, doc_id: int) -> SearchDocument | None:
    """The current public document of one record, or None when it is gone or not public."""
    source = sources().get(doc_type)
    if source is None:
        return None
    record = session.get(source.model, doc_id)
    return source.build(record) if record is not None else None


def all_documents(session: Session) -> Iterator[SearchDocument]:
    """Every public document, for a full rebuild."""
    yield from page_documents()
    for source in sources().values():
        order: Any = sa_inspect(source.model).primary_key[0]
        record: Any
        for record in session.scalars(select(source.model).order_by(order)):
            document = source.build(record)
            if document is not None:
                yield document


def count_records(session: Session) -> int:
    """How many records a rebuild reads (for the progress bar)."""
    total = len(page_documents())
    for source in sources().values():
        total += session.scalar(select(func.count()).select_from(source.model)) or 0
    return total


__all__ = ["SearchDocument", "all_documents", "count_records", "document_for", "indexed_models",
           "type_labels", "whoosh_fields"]
