"""Penalty decisions as open-data JSON, shaped from :func:`portal.penalties.record.public_record`
(``disclose`` output) only; a withdrawn decision carries its statement instead of its content."""

from __future__ import annotations

from flask import url_for

from portal.api.records import iso_date, iso_datetime, reasons
from portal.disclose import Disclosed
from portal.penalties.record import withdrawal_notice


def penalty_summary(decision: Disclosed) -> dict:
    """A decision in a list: number, authority, unit, dates, party and penalty (or the withdrawal)."""
    return {
        "id": decision.id, "decision_no": decision.decision_no, "authority": decision.authority,
        "department": {"code": decision.department.code, "name": decision.department.name},
        "decided_on": iso_date(decision.decided_on), "published_at": iso_datetime(decision.published_at),
        "updated_at": iso_datetime(decision.updated_at),
        "url": url_for("penalties.detail", penalty_id=decision.id, _external=True),
        "api_url": url_for("api.penalty", penalty_id=decision.id, _external=True),
        "party_type": decision.party_type, "party": decision.party, "penalty": decision.penalty,
        "withdrawn": decision.withdrawn,
    }


def penalty_detail(decision: Disclosed) -> dict:
    """One decision with its facts, legal basis, reasons for withheld parts and any withdrawal."""
    withdrawal = None
    if decision.withdrawn:
        withdrawal = {"kind": decision.change_kind, "label": decision.change_label,
                      "changed_on": iso_date(decision.changed_on),
                      "withdrawn_at": iso_datetime(decision.withdrawn_at),
                      "notice": withdrawal_notice(decision), "statement": decision.withdrawal_statement}
    return {**penalty_summary(decision), "facts": decision.facts, "legal_basis": decision.legal_basis,
            "withheld_reasons": reasons(decision), "withdrawal": withdrawal}
