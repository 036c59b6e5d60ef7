"""Complaint outcome summaries a supervisor published, as search documents."""

from __future__ import annotations

from portal.complaints.models import COMPLAINT_TYPES, Complaint
from portal.core.classification import PUBLIC
from portal.disclose import disclose
from portal.searchable import EPOCH, SearchDocument, SearchSource, as_datetime, public_path, text_of_html


def complaint_document(complaint: Complaint) -> SearchDocument | None:
    """A published outcome summary, or None."""
    d = disclose(complaint, PUBLIC)
    if d.summary_published_on is None or not d.summary_html:
        return None
    key = complaint.matter_id  # the record's own key: stored for updates, never shown
    kind = COMPLAINT_TYPES.get(d.complaint_type, "投诉")
    department = (d.about_department or {}).get("name", "")
    return SearchDocument(
        key=f"complaint:{key}", doc_type="complaint", doc_id=str(key),
        title=f"投诉处理情况：{kind} · {department}", body=text_of_html(d.summary_html),
        category=d.complaint_type, category_name=kind, url=public_path("complaints.outcomes"),
        date=as_datetime(d.summary_published_on), visible_from=EPOCH)


COMPLAINT_OUTCOMES = SearchSource("complaint", "投诉处理公开", Complaint, complaint_document)
