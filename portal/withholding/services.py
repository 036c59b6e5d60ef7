"""Keeping the register of withheld spans in step with the texts that carry them."""

from __future__ import annotations

from sqlalchemy import select

from portal.audit.services import record
from portal.core.errors import FieldError
from portal.core.pii_review import check_keeps
from portal.core.withhold import EXEMPTIONS, Exemption, find_spans
from portal.extensions import db
from portal.withholding.models import WithheldMark


def check_markup(field_name: str, text: str) -> None:
    """Raise :class:`FieldError` on ``field_name`` if the text's withheld or kept marks are
    malformed."""
    try:
        find_spans(text)
        check_keeps(text)
    except FieldError as exc:
        raise FieldError(field_name, exc.message) from None


def sync_marks(target_type: str, target_id: int, field: str, text: str, user_id: int | None) -> None:
    """Register new withheld spans of ``text`` (with who marked them) and drop removed ones."""
    spans = find_spans(text)
    existing = list(db.session.scalars(select(WithheldMark).where(
        WithheldMark.target_type == target_type, WithheldMark.target_id == target_id,
        WithheldMark.field == field)))
    wanted = [(span.exemption.code, span.content) for span in spans]
    kept = []
    for mark in existing:
        key = (mark.reason_code, mark.content)
        if key in wanted and key not in kept:
            kept.append(key)
        else:
            db.session.delete(mark)
    for code, content in wanted:
        if (code, content) in kept:
            kept.remove((code, content))
            continue
        db.session.add(WithheldMark(target_type=target_type, target_id=target_id, field=field,
                                    reason_code=code, content=content, marked_by_id=user_id))
        record("withhold.mark", user_id=user_id, target_type=target_type, target_id=target_id,
               detail={"field": field, "reason": code})


def marks_for(target_type: str, target_id: int) -> list[tuple[WithheldMark, Exemption]]:
    """The withheld spans registered for a record, with their exemption, oldest first."""
    marks = db.session.scalars(select(WithheldMark).where(
        WithheldMark.target_type == target_type, WithheldMark.target_id == target_id)
        .order_by(WithheldMark.id))
    return [(mark, EXEMPTIONS[mark.reason_code]) for mark in marks]
