"""When a decision must be published and, once changed, withdrawn, on the working-day calendar.

- Publication: ``PENALTY_PUBLISH_WORKDAYS`` working days after the decision (default 7, the time
  limit of 国办发〔2018〕118号 for 行政执法决定信息; the bureau may set its own).
- Withdrawal: three days after the decision is changed, revoked, confirmed illegal or void
  (《行政处罚法》第四十八条第二款); the law's 三日 are working days (同法第八十五条).

Days are counted on the calendar in force (statutory holidays and make-up days); a count that runs
into a year whose holiday arrangement is not entered yet is estimated and marked provisional.
"""

from __future__ import annotations

from datetime import date

from flask import current_app

from portal.calendar.services import load_calendar

WITHDRAW_WORKDAYS = 3
DEFAULT_PUBLISH_WORKDAYS = 7
DEFAULT_RETENTION_DAYS = 3 * 365


def publish_workdays() -> int:
    """Working days after the decision within which it must be published (configuration)."""
    return int(current_app.config.get("PENALTY_PUBLISH_WORKDAYS", DEFAULT_PUBLISH_WORKDAYS))


def retention_days() -> int:
    """Days after the decision during which its record stays on the public list (configuration)."""
    return int(current_app.config.get("PENALTY_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def publish_due(decided_on: date) -> tuple[date, bool]:
    """The last day to publish a decision of ``decided_on``, and whether the date is provisional."""
    return load_calendar().add_workdays_checked(decided_on, publish_workdays())


def withdraw_due(changed_on: date) -> tuple[date, bool]:
    """The last day to withdraw a decision changed on ``changed_on``, and whether it is provisional."""
    return load_calendar().add_workdays_checked(changed_on, WITHDRAW_WORKDAYS)
