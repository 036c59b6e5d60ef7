"""The public record of a decision, from ``disclose()`` only, as every public output shows it.

A published decision shows its number, authority, date, party (a private person as 张某, no ID
number or address), facts, legal basis and penalty, with trade secrets withheld and the reason
cited. A withdrawn one keeps only what identifies it and the statement of why it was withdrawn
(《行政处罚法》第四十八条第二款).
"""

from __future__ import annotations

from portal.core.classification import PUBLIC
from portal.disclose import Disclosed, disclose
from portal.penalties.models import CHANGE_KINDS, PARTY_TYPES, PenaltyDecision, PenaltyStatus

CONTENT_FIELDS = ("facts", "legal_basis", "penalty", "party_person", "party_company")
WITHDRAWAL_BASIS = "《中华人民共和国行政处罚法》第四十八条第二款"


def public_record(decision: PenaltyDecision) -> Disclosed:
    """What the public receives of ``decision`` (pages, feed, API, search index)."""
    shown = disclose(decision, PUBLIC)
    shown["party_type_label"] = PARTY_TYPES.get(shown.party_type, "")
    shown["party"] = shown.party_person if shown.party_type == "person" else shown.party_company
    shown["withdrawn"] = shown.status == PenaltyStatus.WITHDRAWN
    shown["change_label"] = CHANGE_KINDS.get(shown.change_kind or "", "")
    if shown.withdrawn:
        for name in (*CONTENT_FIELDS, "party"):
            shown[name] = None
    return shown


def withdrawal_notice(shown: Disclosed) -> str:
    """The sentence the public reads in place of a withdrawn decision's content."""
    return (f"该行政处罚决定已于 {shown.changed_on.isoformat()} {shown.change_label}，依据{WITHDRAWAL_BASIS}，"
            "已撤回其公开信息。")
