"""Extensions any matter may ask for: staff request, a supervisor decides, the clock applies it.

Which states may ask and where a decision leads come from the kind's workflow table: a decided
request returns to the state it was in when the extension was asked for (补正 stays 补正).
"""

from __future__ import annotations

from datetime import date

from portal.core.clock import ClockError, EventKind
from portal.core.clock_text import amount
from portal.core.errors import FieldError
from portal.core.timefmt import local_today
from portal.matters.models import Matter, MatterEvent
from portal.matters.services import add_event, policy_for
from portal.matters.workflow import Workflow


def pending_extension(matter: Matter) -> MatterEvent | None:
    """The extension request waiting for a supervisor, if any."""
    if matter.status != "extension_requested":
        return None
    for event in reversed(matter.events):
        if event.kind == "extension_requested" and event.approved is None:
            return event
    return None


def request_extension(matter: Matter, workflow: Workflow, *, day: date, days: int | None,
                      reason: str, actor_id: int, message: str = "", field: str = "days") -> MatterEvent:
    """Ask for an extension of ``days``; the table says from which states and how often."""
    if not days or days < 1:
        raise FieldError(field, "请填写延长的天数。")
    policy = policy_for(matter)
    if days > policy.max_extension_days:
        raise FieldError(field, f"延长期限最长 {amount(policy.max_extension_days, policy.unit)}。")
    workflow.move(matter, "extension_requested", field)
    return add_event(matter, "extension_requested", day, actor_id=actor_id, days=days, note=reason,
                     message=message)


def decide_extension(matter: Matter, workflow: Workflow, *, approve: bool, supervisor_id: int,
                     note: str, message: str) -> MatterEvent | None:
    """Grant (the clock enforces the maximum) or refuse the pending extension; the matter then
    returns to the state it came from.

    ``message`` is what the applicant is told; ``{days}`` and ``{reason}`` are filled in.
    Returns the grant event, or None when refused.
    """
    pending = pending_extension(matter)
    if pending is None:
        raise FieldError("decision", "没有待审批的延期申请。")
    workflow.move(matter, "extension_granted" if approve else "extension_refused", "decision")
    pending.approved = approve
    if not approve:
        add_event(matter, "extension_refused", local_today(), actor_id=supervisor_id, note=note)
        return None
    try:
        return add_event(matter, EventKind.EXTENSION_GRANTED, local_today(), actor_id=supervisor_id,
                         days=pending.days, note=note,
                         message=message.format(days=pending.days,
                                                reason=pending.note or "需要进一步核查"))
    except ClockError as exc:
        raise FieldError("decision", str(exc)) from None
