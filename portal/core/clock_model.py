"""Data types of the statutory clock (:mod:`portal.core.clock`): events, policy, result, error."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from portal.core.clock_text import UNITS, WORKING_DAYS

__all__ = ["ClockError", "ClockEvent", "ClockPolicy", "ClockResult", "EventKind"]


class EventKind(StrEnum):
    """What happened to a request."""

    RECEIVED = "received"
    CLARIFICATION_REQUESTED = "clarification_requested"
    CLARIFICATION_RECEIVED = "clarification_received"
    CONSULTATION_STARTED = "consultation_started"
    CONSULTATION_ENDED = "consultation_ended"
    FEE_NOTICE_SENT = "fee_notice_sent"
    FEE_PAID = "fee_paid"
    EXTENSION_GRANTED = "extension_granted"
    REPLIED = "replied"
    WITHDRAWN = "withdrawn"
    # Two-phase matters (complaints under 《信访工作条例》): acceptance starts the handling period,
    # and a review (复查) requested after the reply opens a new period.
    ACCEPTED = "accepted"
    REVIEW_REQUESTED = "review_requested"


@dataclass(frozen=True)
class ClockEvent:
    """One event. ``days``: working days granted (EXTENSION_GRANTED). ``deadline``: the applicant's
    deadline (CLARIFICATION_REQUESTED). ``agency``: CONSULTATION_STARTED with another agency (Art. 34)
    rather than a third party (Art. 32)."""

    kind: EventKind
    day: date
    days: int | None = None
    deadline: date | None = None
    agency: bool = False


@dataclass(frozen=True)
class ClockPolicy:
    """Time limits; the defaults are those of 《政府信息公开条例》."""

    reply_days: int = 20
    unit: str = WORKING_DAYS
    max_extension_days: int = 20
    clarification_notice_days: int = 7
    third_party_days: int = 15
    fee_notice_pauses: bool = False
    handle_days: int | None = None  # after ACCEPTED: the handling period (None: no acceptance phase)
    review_window_days: int | None = None  # how long after the reply a review may be requested
    review_days: int | None = None  # the review's own period

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"未知的计时单位：{self.unit}")
        for name in ("reply_days", "max_extension_days", "clarification_notice_days", "third_party_days"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} 不能为负数")


class ClockError(ValueError):
    """An impossible sequence of events; the message is Chinese."""


@dataclass(frozen=True)
class ClockResult:
    """The clock's state after all events.

    ``due_on`` is None while the clock is stopped (pause or awaiting clarification); after a reply
    or withdrawal it keeps the last due date (None if the clock was waiting for clarification).
    ``on_time`` is None until a reply with a running deadline.
    """

    due_on: date | None
    state: str
    provisional: bool
    steps: list[str]
    clarification_notice_due: date | None
    clarification_late: bool
    clarification_deadline: date | None
    third_party_due: date | None
    extended: bool
    replied_on: date | None
    on_time: bool | None
    gap_years: frozenset[int] = field(default_factory=frozenset)
