"""执法结果公开 on the supervisor dashboard: penalty decisions published or withdrawn too late.

Late publication: a decision (never a minor's) still unpublished after its publication deadline, or
published after it. Late withdrawal: a decision changed, revoked, confirmed illegal or void and
still public more than three working days later, or withdrawn after that (《行政处罚法》第四十八条).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.penalties.models import CHANGE_KINDS, PenaltyDecision, PenaltyStatus
from portal.penalties.queries import late_publications, late_withdrawals


@dataclass(frozen=True)
class LapseRow:
    """One decision handled late, with what was late and by how much."""

    penalty_id: int
    decision_no: str
    department: str
    what: str
    due_on: date
    still_open: bool
    days_late: int


@dataclass(frozen=True)
class PenaltyLapses:
    """Both lists of the dashboard's section."""

    publication: list[LapseRow]
    withdrawal: list[LapseRow]

    @property
    def total(self) -> int:
        """How many lapses the section shows."""
        return len(self.publication) + len(self.withdrawal)


def _row(decision: PenaltyDecision, what: str, due_on: date, still_open: bool, today: date) -> LapseRow:
    return LapseRow(decision.id, decision.decision_no, decision.department.name, what, due_on, still_open,
                    max(0, (today - due_on).days) if still_open else 0)


def dashboard(today: date) -> PenaltyLapses:
    """Every late publication and late withdrawal, the most urgent first."""
    publication = [_row(d, "未按期公开" if d.status == PenaltyStatus.REGISTERED else "逾期公开",
                        d.publish_due_on, d.status == PenaltyStatus.REGISTERED, today)
                   for d in late_publications(today)]
    withdrawal = [_row(d, f"决定{CHANGE_KINDS.get(d.change_kind or '', '')}后"
                       + ("未按期撤回" if d.status == PenaltyStatus.PUBLISHED else "逾期撤回"),
                       d.withdraw_due_on or today, d.status == PenaltyStatus.PUBLISHED, today)
                  for d in late_withdrawals(today)]
    return PenaltyLapses(publication, withdrawal)
