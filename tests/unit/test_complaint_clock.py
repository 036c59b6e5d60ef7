"""The clock for two-phase matters (complaints, 《信访工作条例》, calendar days)."""

from datetime import date

import pytest

from portal.core.clock import ClockError, ClockEvent, ClockPolicy, EventKind, compute
from portal.core.workdays import WorkCalendar

POLICY = ClockPolicy(reply_days=15, unit="calendar_days", max_extension_days=30, handle_days=60,
                     review_window_days=30, review_days=30)
CAL = WorkCalendar()


def ev(kind, day, **extra):
    return ClockEvent(kind=kind, day=day, **extra)


def test_acceptance_due_in_15_days_then_60_days_of_handling():
    received = ev(EventKind.RECEIVED, date(2026, 9, 25))
    assert compute([received], CAL, POLICY).due_on == date(2026, 10, 10)
    accepted = ev(EventKind.ACCEPTED, date(2026, 10, 9))
    result = compute([received, accepted], CAL, POLICY)
    assert result.due_on == date(2026, 12, 8)
    assert "决定受理，办理期限 60 日 → 2026-12-08" in result.steps[-1]


def test_one_extension_of_at_most_30_days():
    events = [ev(EventKind.RECEIVED, date(2026, 9, 25)), ev(EventKind.ACCEPTED, date(2026, 10, 9))]
    extended = compute([*events, ev(EventKind.EXTENSION_GRANTED, date(2026, 12, 1), days=30)], CAL, POLICY)
    assert extended.due_on == date(2027, 1, 7)
    with pytest.raises(ClockError, match="超过最长 30 日"):
        compute([*events, ev(EventKind.EXTENSION_GRANTED, date(2026, 12, 1), days=31)], CAL, POLICY)


def test_late_acceptance_is_said():
    result = compute([ev(EventKind.RECEIVED, date(2026, 9, 25)),
                      ev(EventKind.ACCEPTED, date(2026, 10, 20))], CAL, POLICY)
    assert "超过受理告知期限 2026-10-10" in result.steps[-1]


def test_review_within_30_days_of_the_reply_opens_30_more_days():
    events = [ev(EventKind.RECEIVED, date(2026, 9, 25)), ev(EventKind.ACCEPTED, date(2026, 10, 9)),
              ev(EventKind.REPLIED, date(2026, 11, 2))]
    assert compute(events, CAL, POLICY).state == "replied"
    reviewed = compute([*events, ev(EventKind.REVIEW_REQUESTED, date(2026, 12, 2))], CAL, POLICY)
    assert reviewed.state == "running" and reviewed.due_on == date(2027, 1, 1)
    with pytest.raises(ClockError, match="超过答复后 30 日"):
        compute([*events, ev(EventKind.REVIEW_REQUESTED, date(2026, 12, 3))], CAL, POLICY)
    answered = compute([*events, ev(EventKind.REVIEW_REQUESTED, date(2026, 11, 10)),
                        ev(EventKind.REPLIED, date(2026, 11, 30))], CAL, POLICY)
    assert answered.state == "replied" and answered.on_time


def test_disclosure_requests_have_no_acceptance_phase():
    with pytest.raises(ClockError, match="没有受理环节"):
        compute([ev(EventKind.RECEIVED, date(2026, 9, 25)), ev(EventKind.ACCEPTED, date(2026, 9, 28))],
                CAL, ClockPolicy())
