"""The statutory clock: from a request's events, its due date and a step-by-step Chinese explanation.

Pure computation (no Flask, no database). Rules, from 《政府信息公开条例》 (2019):

* Counting starts the day after receipt: due = receipt + ``reply_days`` working days (Art. 33).
* A clarification request (补正, Art. 30) stops the clock; when the clarified application arrives on
  day *d* the period **restarts**: due = *d* + ``reply_days``, whatever happened before.
* A consultation (third party, Art. 32; another agency, Art. 34) — and, when
  ``policy.fee_notice_pauses``, the time between a fee notice and payment — is not counted.
  **Convention:** a pause from day *s* to day *e* covers the span ``(s, e]``: the start day still
  counts, the day the opinion (or payment) arrives does not, and the due date moves later by exactly
  ``count_workdays(s, e)`` working days. Counting resumes on the day after *e*, as after a receipt.
  Pauses may overlap (a fee notice during a consultation); the clock then stays stopped from the
  first opening to the last closing, and that union is the span counted once.
* One extension of at most ``max_extension_days`` adds that many working days to the current due
  date (Art. 33). An extension granted during a pause is added too; the pause is added when it ends
  (both are counts of working days after the due date, so the order does not matter). An
  extension granted while waiting for 补正 is kept: when the clarified application arrives the
  period restarts as ``reply_days`` plus the days granted.
* A reply or withdrawal during a pause ends the pause that day.

With ``policy.unit == "calendar_days"`` (complaints under 《信访工作条例》) the same logic counts
calendar days. Where a count runs into a year with no holiday arrangement the clock does not fail:
it counts Monday–Friday less the statutory holidays through that year, marks the step
``（XXXX 年节假日安排未录入，按周末和法定节假日推算，暂定）`` and the result ``provisional``.

Events are processed in order of ``(day, position in the given sequence)``. Impossible sequences
raise :class:`ClockError` with a Chinese message.
"""

from __future__ import annotations

from collections.abc import Sequence

from portal.core.clock_engine import Run
from portal.core.clock_model import ClockError, ClockEvent, ClockPolicy, ClockResult, EventKind
from portal.core.workdays import WorkCalendar

__all__ = ["ClockError", "ClockEvent", "ClockPolicy", "ClockResult", "EventKind", "compute"]

_DEFAULT_POLICY = ClockPolicy()


def compute(events: Sequence[ClockEvent], calendar: WorkCalendar, policy: ClockPolicy = _DEFAULT_POLICY) -> ClockResult:
    """Run the clock over ``events`` (ordered by day, then given order) and explain every step.

    Raises :class:`ClockError` for an impossible sequence: no receipt, events before the receipt or
    after a reply/withdrawal, a second clarification request or extension, an extension over
    ``max_extension_days``, a consultation ended that never started, and the like.
    """
    ordered = sorted(events, key=lambda e: e.day)  # stable: same-day events keep their given order
    if not ordered or all(e.kind != EventKind.RECEIVED for e in ordered):
        raise ClockError("没有收到申请的记录，无法计算办理时限")
    run = Run(calendar, policy)
    for event in ordered:
        run.dispatch(event)
    return run.result()
