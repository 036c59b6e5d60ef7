"""Per-type time limits of complaints, editable by an administrator, as clock policies."""

from __future__ import annotations

from portal.complaints.models import COMPLAINT_TYPES, Complaint, ComplaintPolicy
from portal.core.clock import ClockPolicy
from portal.extensions import db
from portal.matters.models import Matter
from portal.matters.services import POLICY_FINDERS


def policy_row(complaint_type: str) -> ComplaintPolicy:
    """The stored policy of a type, created with the 《信访工作条例》 defaults on first use."""
    row = db.session.get(ComplaintPolicy, complaint_type)
    if row is None:
        row = ComplaintPolicy(complaint_type=complaint_type, unit="calendar_days", accept_days=15,
                              handle_days=60, max_extension_days=30, review_window_days=30,
                              review_days=30)
        db.session.add(row)
        db.session.flush()
    return row


def all_policies() -> list[ComplaintPolicy]:
    """One policy per complaint type, in the form's order."""
    return [policy_row(code) for code in COMPLAINT_TYPES]


def clock_policy(matter: Matter) -> ClockPolicy:
    """The clock policy of a complaint matter, from its type's row."""
    complaint = db.session.get(Complaint, matter.id)
    row = policy_row(complaint.complaint_type if complaint else "other")
    return ClockPolicy(reply_days=row.accept_days, unit=row.unit,
                       max_extension_days=row.max_extension_days, handle_days=row.handle_days,
                       review_window_days=row.review_window_days, review_days=row.review_days)


POLICY_FINDERS["complaint"] = clock_policy
