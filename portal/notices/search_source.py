"""Published notices as search documents (a scheduled one stays hidden until its time)."""

from __future__ import annotations

from portal.core.classification import PUBLIC
from portal.disclose import disclose
from portal.notices.models import Notice, NoticeStatus
from portal.searchable import SearchDocument, SearchSource, public_path, text_of_html


def notice_document(notice: Notice) -> SearchDocument | None:
    """A published notice, visible from its publish time, or None."""
    d = disclose(notice, PUBLIC)
    if d.status != NoticeStatus.PUBLISHED.value or d.publish_at is None:
        return None
    return SearchDocument(
        key=f"notice:{d.id}", doc_type="notice", doc_id=str(d.id), title=d.title,
        body=text_of_html(d.body_html), category=d.kind, category_name=d.kind,
        url=public_path("notices.detail", notice_id=d.id), date=d.publish_at, visible_from=d.publish_at)


NOTICES = SearchSource("notice", "通知公告", Notice, notice_document)
