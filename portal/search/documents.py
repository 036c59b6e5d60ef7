"""What goes into the index: public documents built only from :func:`disclose` output.

Indexed: service guides, notices (published; a scheduled one is hidden until its time by a
``visible_from`` filter), complaint outcome summaries a supervisor published, and the static
entry pages. Not indexed: disclosure-request replies — they go to the applicant, and no
"published to everyone" flag exists for them yet.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import nh3
from flask import current_app
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.core.classification import PUBLIC
from portal.disclose import disclose

TYPE_LABELS = {"guide": "办事指南", "notice": "通知公告", "complaint": "投诉处理公开", "page": "服务入口"}
EPOCH = datetime(2000, 1, 1)


@dataclass(frozen=True)
class SearchDocument:
    """One document of the index, all fields already filtered for the public."""

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

    def fields(self) -> dict:
        """The Whoosh field values."""
        from portal.search.analysis import bigrams

        return {"key": self.key, "type": self.doc_type, "doc_id": self.doc_id, "title": self.title,
                "title_pieces": " ".join(bigrams(self.title)), "initials": self.initials,
                "body": self.body, "category": self.category, "category_name": self.category_name,
                "url": self.url, "date": self.date, "visible_from": self.visible_from}


def _path(endpoint: str, **values) -> str:
    return current_app.url_map.bind("localhost").build(endpoint, values)


def _text_of_html(markup: str) -> str:
    return " ".join(html.unescape(nh3.clean(markup or "", tags=set())).split())


def _flatten(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in _flatten(item)]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _flatten(item)]
    return []


def _as_datetime(value) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return EPOCH


def guide_document(guide) -> SearchDocument:
    """A guide as the public reads it."""
    from portal.search.analysis import initials

    d = disclose(guide, PUBLIC)
    parts = [_text_of_html(d.body_html), d.conditions, *_flatten(d.materials), *_flatten(d.steps),
             *_flatten(d.faq), d.local_note, d.agency, d.location, d.promised_label]
    category = d.category or {}
    return SearchDocument(
        key=f"guide:{d.id}", doc_type="guide", doc_id=str(d.id), title=d.title,
        body="\n".join(p for p in parts if p), category=category.get("code", ""),
        category_name=category.get("name", ""), url=_path("catalog.detail", slug=d.slug),
        date=_as_datetime(d.reviewed_on), visible_from=EPOCH, initials=" ".join(initials(d.title)))


def notice_document(notice) -> SearchDocument | None:
    """A published notice (hidden before its publish time), or None."""
    from portal.notices.models import NoticeStatus

    d = disclose(notice, PUBLIC)
    if d.status != NoticeStatus.PUBLISHED.value or d.publish_at is None:
        return None
    return SearchDocument(
        key=f"notice:{d.id}", doc_type="notice", doc_id=str(d.id), title=d.title,
        body=_text_of_html(d.body_html), category=d.kind, category_name=d.kind,
        url=_path("notices.detail", notice_id=d.id), date=d.publish_at, visible_from=d.publish_at)


def complaint_document(complaint) -> SearchDocument | None:
    """A published complaint outcome summary, or None."""
    from portal.complaints.models import COMPLAINT_TYPES

    d = disclose(complaint, PUBLIC)
    if d.summary_published_on is None or not d.summary_html:
        return None
    key = complaint.matter_id  # the record's own key: stored for updates, never shown
    kind = COMPLAINT_TYPES.get(d.complaint_type, "投诉")
    department = (d.about_department or {}).get("name", "")
    return SearchDocument(
        key=f"complaint:{key}", doc_type="complaint", doc_id=str(key),
        title=f"投诉处理情况：{kind} · {department}", body=_text_of_html(d.summary_html),
        category=d.complaint_type, category_name=kind, url=_path("complaints.outcomes"),
        date=_as_datetime(d.summary_published_on), visible_from=EPOCH)


def page_documents() -> list[SearchDocument]:
    """The static entry pages (apply, track, complain, ...) from the home page's list."""
    from portal.public.views import ENTRY_POINTS

    pages = []
    for key, label, text, endpoint in ENTRY_POINTS:
        url = _path(endpoint) if endpoint else _path("public.coming", name=key)
        pages.append(SearchDocument(
            key=f"page:{key}", doc_type="page", doc_id=key, title=label, body=text, category="",
            category_name="", url=url, date=EPOCH, visible_from=EPOCH))
    return pages


def _model(doc_type: str):
    from portal.catalog.models import Guide
    from portal.complaints.models import Complaint
    from portal.notices.models import Notice

    return {"guide": Guide, "notice": Notice, "complaint": Complaint}[doc_type]


BUILDERS = {"guide": guide_document, "notice": notice_document, "complaint": complaint_document}
INDEXED_MODELS = ("Guide", "Notice", "Complaint")  # class names whose writes are logged


def document_for(session: Session, doc_type: str, doc_id: int) -> SearchDocument | None:
    """The current public document of one record, or None when it is gone or not public."""
    if doc_type not in BUILDERS:
        return None
    record = session.get(_model(doc_type), doc_id)
    return BUILDERS[doc_type](record) if record is not None else None


def all_documents(session: Session) -> Iterator[SearchDocument]:
    """Every public document, for a full rebuild."""
    yield from page_documents()
    for doc_type, build in BUILDERS.items():
        model = _model(doc_type)
        order = sa_inspect(model).primary_key[0]
        for record in session.scalars(select(model).order_by(order)):
            document = build(record)
            if document is not None:
                yield document


def count_records(session: Session) -> int:
    """How many records a rebuild reads (for the progress bar)."""
    from sqlalchemy import func

    total = len(page_documents())
    for doc_type in BUILDERS:
        total += session.scalar(select(func.count()).select_from(_model(doc_type))) or 0
    return total
