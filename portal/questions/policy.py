"""The answering time limit of a question: ``QUESTION_REPLY_DAYS`` working days (default 5)."""

from __future__ import annotations

from flask import current_app

from portal.core.clock import ClockPolicy
from portal.matters.models import Matter
from portal.matters.services import POLICY_FINDERS
from portal.questions.models import KIND

DEFAULT_REPLY_DAYS = 5


def reply_days() -> int:
    """The configured number of working days to answer a question."""
    return int(current_app.config.get("QUESTION_REPLY_DAYS", DEFAULT_REPLY_DAYS))


def clock_policy(_matter: Matter) -> ClockPolicy:
    """The clock policy of a question: the configured working days, no extension."""
    return ClockPolicy(reply_days=reply_days(), max_extension_days=0)


POLICY_FINDERS[KIND] = clock_policy
