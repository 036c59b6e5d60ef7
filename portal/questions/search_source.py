"""Published questions and answers, as search documents (type ``question``)."""

from __future__ import annotations

from portal.core.classification import PUBLIC
from portal.disclose import disclose
from portal.questions.models import Question
from portal.searchable import EPOCH, SearchDocument, SearchSource, as_datetime, joined, public_path, text_of_html


def question_document(question: Question) -> SearchDocument | None:
    """A published question with its answer, or None."""
    shown = disclose(question, PUBLIC)
    if shown.published_on is None:
        return None
    key = question.matter_id
    department = (shown.matter or {}).get("department", {}) or {}
    return SearchDocument(
        key=f"question:{key}", doc_type="question", doc_id=str(key), title=shown.public_title,
        body=joined([shown.public_question, text_of_html(shown.answer_html)]),
        category=str(department.get("code", "")), category_name=department.get("name", "网上咨询"),
        url=public_path("questions.detail", question_id=key),
        date=as_datetime(shown.published_on), visible_from=EPOCH)


ANSWERED_QUESTIONS = SearchSource("question", "网上咨询", Question, question_document)
