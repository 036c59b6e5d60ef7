"""Writing penalty decisions: register and edit, publish, record a change, withdraw (all audited).

Services take plain values, flush and audit, and never commit (one commit per request).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.accounts.models import Department
from portal.audit.services import record
from portal.core.errors import FieldError
from portal.core.timefmt import local_today, utcnow
from portal.extensions import db
from portal.penalties.deadlines import publish_due, withdraw_due
from portal.penalties.models import CHANGE_KINDS, PARTY_TYPES, PenaltyDecision, PenaltyStatus
from portal.withholding.services import check_markup, sync_marks

TEXT_FIELDS = ("facts", "legal_basis", "penalty")
MARK_TARGET = "penalty"


@dataclass(frozen=True)
class DecisionFields:
    """What staff enter for a decision."""

    decision_no: str
    authority: str
    department_id: int
    decided_on: date
    party_type: str
    party_name: str
    party_id_number: str
    party_address: str
    involves_minor: bool
    facts: str
    legal_basis: str
    penalty: str


def _check(fields: DecisionFields, decision: PenaltyDecision | None) -> None:
    """Raise :class:`FieldError` on the first value that cannot be stored."""
    if fields.party_type not in PARTY_TYPES:
        raise FieldError("party_type", "请选择当事人类型。")
    if fields.decided_on > local_today():
        raise FieldError("decided_on", "决定日期不能晚于今天。")
    if db.session.get(Department, fields.department_id) is None:
        raise FieldError("department_id", "请选择承办部门。")
    clash = db.session.scalar(select(PenaltyDecision.id).where(
        PenaltyDecision.decision_no == fields.decision_no.strip()))
    if clash is not None and (decision is None or clash != decision.id):
        raise FieldError("decision_no", "这个决定书文号已经登记过。")
    for name in TEXT_FIELDS:
        check_markup(name, getattr(fields, name))


def save_decision(decision: PenaltyDecision | None, fields: DecisionFields, *, actor_id: int | None
                  ) -> PenaltyDecision:
    """Register a decision (``decision`` None) or correct one not yet withdrawn."""
    _check(fields, decision)
    due_on = publish_due(fields.decided_on)[0]  # reads the calendar before anything is added
    if decision is None:
        decision = PenaltyDecision(created_by_id=actor_id, status=PenaltyStatus.REGISTERED.value)
        db.session.add(decision)
    elif decision.status == PenaltyStatus.WITHDRAWN:
        raise FieldError("decision_no", "已撤回的决定不能再修改。")
    person = fields.party_type == "person"
    decision.decision_no, decision.authority = fields.decision_no.strip(), fields.authority.strip()
    decision.department_id, decision.decided_on = fields.department_id, fields.decided_on
    decision.party_type = fields.party_type
    decision.party_person = fields.party_name.strip() if person else None
    decision.party_company = None if person else fields.party_name.strip()
    decision.party_id_number = fields.party_id_number.strip() or None
    decision.party_address = fields.party_address.strip() or None
    decision.involves_minor = fields.involves_minor
    decision.facts, decision.legal_basis, decision.penalty = fields.facts, fields.legal_basis, fields.penalty
    decision.publish_due_on = due_on
    db.session.flush()
    for name in TEXT_FIELDS:
        sync_marks(MARK_TARGET, decision.id, name, getattr(fields, name), actor_id)
    record("penalty.save", user_id=actor_id, target_type=MARK_TARGET, target_id=decision.id,
           detail={"decision_no": decision.decision_no})
    return decision


def publish_decision(decision: PenaltyDecision, *, actor_id: int | None) -> None:
    """Put a registered decision on the public list; a minor's case is never published."""
    if decision.involves_minor:
        raise FieldError("involves_minor", "涉及未成年人的案件不予公开。")
    if decision.status != PenaltyStatus.REGISTERED:
        raise FieldError("status", "只有已登记未公开的决定可以公开。")
    decision.status, decision.published_at = PenaltyStatus.PUBLISHED.value, utcnow()
    decision.published_late = local_today() > decision.publish_due_on
    record("penalty.publish", user_id=actor_id, target_type=MARK_TARGET, target_id=decision.id)


def note_change(decision: PenaltyDecision, *, kind: str, changed_on: date, actor_id: int | None) -> None:
    """Record that a published decision was changed, revoked, confirmed illegal or void: the
    withdrawal is then due within three working days of ``changed_on``."""
    if kind not in CHANGE_KINDS:
        raise FieldError("kind", "请选择决定的变化情形。")
    if decision.status != PenaltyStatus.PUBLISHED:
        raise FieldError("kind", "只有已公开的决定需要撤回。")
    if changed_on < decision.decided_on or changed_on > local_today():
        raise FieldError("changed_on", "日期应在决定日期之后、不晚于今天。")
    due_on = withdraw_due(changed_on)[0]
    decision.change_kind, decision.changed_on, decision.withdraw_due_on = kind, changed_on, due_on
    record("penalty.change", user_id=actor_id, target_type=MARK_TARGET, target_id=decision.id,
           detail={"kind": kind, "changed_on": changed_on.isoformat()})


def withdraw_decision(decision: PenaltyDecision, *, statement: str, actor_id: int | None) -> None:
    """Take the decision's content off the public site, leaving the public statement of why."""
    if decision.status != PenaltyStatus.PUBLISHED or decision.change_kind is None:
        raise FieldError("statement", "请先登记决定被变更、撤销或确认违法、无效的情况。")
    if not statement.strip():
        raise FieldError("statement", "请填写向公众说明的撤回理由。")
    check_markup("statement", statement)
    decision.status, decision.withdrawn_at = PenaltyStatus.WITHDRAWN.value, utcnow()
    decision.withdrawal_statement = statement.strip()
    decision.withdrawn_late = decision.withdraw_due_on is not None and local_today() > decision.withdraw_due_on
    record("penalty.withdraw", user_id=actor_id, target_type=MARK_TARGET, target_id=decision.id,
           detail={"kind": decision.change_kind})


def retire_decision(decision: PenaltyDecision) -> None:
    """Take a decision whose retention period is over off the public list (and search)."""
    decision.status = PenaltyStatus.RETIRED.value
