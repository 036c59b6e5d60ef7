"""Tables of the case-progress service: cases, stages, parties and the stage time limits.

Levels follow 《公安机关执法公开规定》: a party may learn the case number and type, the handling
unit and its phone, and each stage (with the kind of a coercive measure or decision and the
reason for not filing or withdrawing). The officer in charge, internal notes and the other
parties stay internal or private; credentials (query code, ID digits) are never disclosed.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Department, User
from portal.core.classification import INTERNAL_FIELD, NEVER, PUBLIC_FIELD, Level, classified
from portal.core.timefmt import utcnow
from portal.extensions import Model

CASE_TYPES = {"criminal": "刑事", "administrative": "行政"}
PARTY_ROLES = {"reporter": "报案人", "victim": "被害人", "party": "当事人"}


class Case(Model):
    """A criminal or administrative case handled by one unit of the bureau."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True, info=INTERNAL_FIELD)
    # As staff typed it (normalised: see portal.cases.services.normalize_case_no).
    case_no: Mapped[str] = mapped_column(String(40), unique=True, info=PUBLIC_FIELD)
    case_type: Mapped[str] = mapped_column(String(16), info=PUBLIC_FIELD)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True,
                                               info=PUBLIC_FIELD)
    # The officer in charge: never shown to parties.
    officer_in_charge: Mapped[str] = mapped_column(String(64), default="", info=INTERNAL_FIELD)
    # The handling unit's contact phone, which the party is told.
    unit_phone: Mapped[str] = mapped_column(String(30), info=PUBLIC_FIELD)
    # When the next stage is due under the stage policy (None: closed or no limit).
    next_due_on: Mapped[date | None] = mapped_column(index=True, info=INTERNAL_FIELD)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=INTERNAL_FIELD)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=INTERNAL_FIELD)
    closed_on: Mapped[date | None] = mapped_column(info=PUBLIC_FIELD)

    department: Mapped[Department] = relationship(lazy="joined", info=PUBLIC_FIELD)
    # Deliberately undeclared: disclose() never follows them from a case. Stages are entered
    # in date order (see portal.cases.stages), so id order is date order.
    stages: Mapped[list[CaseStage]] = relationship(
        order_by="CaseStage.id", cascade="all, delete-orphan",
        back_populates="case")
    parties: Mapped[list[CaseParty]] = relationship(
        order_by="CaseParty.id", cascade="all, delete-orphan", back_populates="case")


class CaseStage(Model):
    """One stage of a case: 受案, 立案, 采取强制措施, 移送审查起诉, 结案 ..."""

    __tablename__ = "case_stages"

    id: Mapped[int] = mapped_column(primary_key=True, info=INTERNAL_FIELD)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True,
                                         info=INTERNAL_FIELD)
    stage: Mapped[str] = mapped_column(String(32), info=PUBLIC_FIELD)
    day: Mapped[date] = mapped_column(info=PUBLIC_FIELD)
    # Only the kind of a coercive measure or decision (e.g. 取保候审, 罚款), from a fixed list.
    kind: Mapped[str] = mapped_column(String(20), default="", info=PUBLIC_FIELD)
    # Why a case was not filed or was withdrawn: told to the parties, through the filter.
    reason: Mapped[str] = mapped_column(Text, default="", info=classified(Level.PUBLIC, free_text=True))
    note: Mapped[str] = mapped_column(Text, default="", info=INTERNAL_FIELD)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=INTERNAL_FIELD)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=INTERNAL_FIELD)

    case: Mapped[Case] = relationship(back_populates="stages")
    actor: Mapped[User | None] = relationship(lazy="joined")  # undeclared: internal


class CaseParty(Model):
    """A reporter, victim or party of a case, who may look its progress up.

    The query code and the last four characters of the party's ID number are kept only as
    slow salted hashes; ``query_code_index`` (a keyed HMAC of the code) finds the party
    without trying every hash of the case, so every lookup costs the same.
    """

    __tablename__ = "case_parties"
    __table_args__ = (UniqueConstraint("case_id", "query_code_index"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=INTERNAL_FIELD)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True,
                                         info=INTERNAL_FIELD)
    role: Mapped[str] = mapped_column(String(16), info=INTERNAL_FIELD)
    name: Mapped[str] = mapped_column(String(100), info=classified(Level.PRIVATE, person_name=True))
    id_last4_hash: Mapped[str] = mapped_column(String(255), info=NEVER)
    query_code_hash: Mapped[str] = mapped_column(String(255), info=NEVER)
    query_code_index: Mapped[str] = mapped_column(String(64), info=NEVER)
    email: Mapped[str] = mapped_column(String(254), default="", info=classified(Level.PRIVATE))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=INTERNAL_FIELD)

    case: Mapped[Case] = relationship(back_populates="parties")

    @property
    def department_id(self) -> int:
        """The handling unit (its staff are cleared for the party's personal data)."""
        return self.case.department_id


class CaseStagePolicy(Model):
    """Calendar days from a stage until the next one is due, per case type (and measure kind).

    Defaults live in :mod:`portal.cases.policy`, every one an example (``is_example``) until
    an administrator confirms or changes it.
    """

    __tablename__ = "case_stage_policies"
    __table_args__ = (UniqueConstraint("case_type", "stage", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=INTERNAL_FIELD)
    case_type: Mapped[str] = mapped_column(String(16), info=INTERNAL_FIELD)
    stage: Mapped[str] = mapped_column(String(32), info=INTERNAL_FIELD)
    kind: Mapped[str] = mapped_column(String(20), default="", info=INTERNAL_FIELD)  # "" = any kind
    days: Mapped[int | None] = mapped_column(info=INTERNAL_FIELD)  # None: no reminder
    from_accepted: Mapped[bool] = mapped_column(default=False, info=INTERNAL_FIELD)
    is_example: Mapped[bool] = mapped_column(default=True, info=INTERNAL_FIELD)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, info=INTERNAL_FIELD)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=INTERNAL_FIELD)
