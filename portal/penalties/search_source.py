"""Published penalty decisions as search documents (withdrawn and expired ones leave the index)."""

from __future__ import annotations

from portal.core.timefmt import local_today
from portal.penalties.models import PenaltyDecision, PenaltyStatus
from portal.penalties.queries import retained_since
from portal.penalties.record import public_record
from portal.searchable import SearchDocument, SearchSource, as_datetime, joined, public_path

LABEL = "执法结果公开"


def penalty_document(decision: PenaltyDecision) -> SearchDocument | None:
    """A published decision within its retention period, or None."""
    if decision.status != PenaltyStatus.PUBLISHED or decision.involves_minor \
            or decision.decided_on < retained_since(local_today()):
        return None
    shown = public_record(decision)
    return SearchDocument(
        key=f"penalty:{shown.id}", doc_type="penalty", doc_id=str(shown.id),
        title=f"{shown.authority}行政处罚决定 {shown.decision_no}",
        body=joined([shown.party, shown.facts, shown.legal_basis, shown.penalty]),
        category="penalty", category_name=LABEL, url=public_path("penalties.detail", penalty_id=shown.id),
        date=as_datetime(shown.decided_on), visible_from=as_datetime(shown.published_at))


PENALTIES = SearchSource("penalty", LABEL, PenaltyDecision, penalty_document)
