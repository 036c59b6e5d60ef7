"""Extensions any matter may ask for: staff request, a supervisor decides, the clock applies it."""

from __future__ import annotations

from portal.core.clock import ClockError, EventKind
from portal.core.errors import FieldError
from portal.core.timefmt import local_today
from portal.matters.models import Matter, MatterEvent
from portal.matters.services import add_event


def pending_extension(matter: Matter) -> MatterEvent | None:
    """The extension request waiting for a supervisor, if any."""
    for event in reversed(matter.events):
        if event.kind == "extension_requested" and event.approved is None:
            return event
    return None


def decide_extension(matter: Matter, *, approve: bool, supervisor_id: int, note: str,
                     message: str, resume_status: str) -> MatterEvent | None:
    """Grant (the clock enforces once and the maximum) or refuse the pending extension.

    ``message`` is what the applicant is told; ``{days}`` and ``{reason}`` are filled in.
    Returns the grant event, or None when refused.
    """
    pending = pending_extension(matter)
    if pending is None:
        raise FieldError("decision", "没有待审批的延期申请。")
    pending.approved = approve
    matter.status = resume_status
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
