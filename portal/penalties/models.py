"""The table of administrative penalty decisions (行政处罚决定) and the words shown with them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Department
from portal.core.classification import INTERNAL_FIELD, PUBLIC_FIELD, Level, classified
from portal.core.timefmt import utcnow
from portal.extensions import Model
from portal.public_content import public_content

PARTY_TYPES = {"person": "自然人", "company": "法人或者其他组织"}
# Why a published decision is withdrawn (《行政处罚法》第四十八条第二款).
CHANGE_KINDS = {"changed": "被依法变更", "revoked": "被依法撤销", "illegal": "被确认违法",
                "void": "被确认无效"}


class PenaltyStatus(StrEnum):
    """Life cycle of a decision's public record: registered → published → withdrawn, and off the
    public list (retired) once the retention period is over."""

    REGISTERED = "registered"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"
    RETIRED = "retired"

    @property
    def label(self) -> str:
        """Status in Chinese."""
        return {"registered": "已登记未公开", "published": "已公开", "withdrawn": "已撤回",
                "retired": "已过公开期限"}[self.value]


@public_content
class PenaltyDecision(Model):
    """One penalty decision of public concern. The public sees it, through the classification
    filter, once published; a minor's case never; a withdrawn one only as the statement of why."""

    __tablename__ = "penalty_decisions"

    id: Mapped[int] = mapped_column(primary_key=True, info=PUBLIC_FIELD)
    decision_no: Mapped[str] = mapped_column(String(80), unique=True, info=PUBLIC_FIELD)
    authority: Mapped[str] = mapped_column(String(100), info=PUBLIC_FIELD)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True, info=PUBLIC_FIELD)
    decided_on: Mapped[date] = mapped_column(index=True, info=PUBLIC_FIELD)
    party_type: Mapped[str] = mapped_column(String(16), info=PUBLIC_FIELD)
    # A private person is published as 张某; an organisation under its name.
    party_person: Mapped[str | None] = mapped_column(String(50), info=classified(Level.PUBLIC, person_name=True))
    party_company: Mapped[str | None] = mapped_column(String(200), info=classified(Level.PUBLIC, free_text=True))
    party_id_number: Mapped[str | None] = mapped_column(String(32), info=classified(Level.PRIVATE))
    party_address: Mapped[str | None] = mapped_column(String(200), info=classified(Level.PRIVATE))
    involves_minor: Mapped[bool] = mapped_column(default=False, info=INTERNAL_FIELD)
    # Staff mark trade secrets as [[不予公开:third-party]]…[[/不予公开]] (core/withhold.py).
    facts: Mapped[str] = mapped_column(Text, info=classified(Level.PUBLIC, free_text=True))
    legal_basis: Mapped[str] = mapped_column(Text, info=classified(Level.PUBLIC, free_text=True))
    penalty: Mapped[str] = mapped_column(Text, info=classified(Level.PUBLIC, free_text=True))
    status: Mapped[str] = mapped_column(String(16), default=PenaltyStatus.REGISTERED.value, index=True,
                                        info=PUBLIC_FIELD)
    publish_due_on: Mapped[date] = mapped_column(index=True, info=INTERNAL_FIELD)
    published_at: Mapped[datetime | None] = mapped_column(info=PUBLIC_FIELD)
    published_late: Mapped[bool] = mapped_column(default=False, info=INTERNAL_FIELD)
    change_kind: Mapped[str | None] = mapped_column(String(16), info=PUBLIC_FIELD)
    changed_on: Mapped[date | None] = mapped_column(info=PUBLIC_FIELD)
    withdraw_due_on: Mapped[date | None] = mapped_column(index=True, info=INTERNAL_FIELD)
    withdrawn_at: Mapped[datetime | None] = mapped_column(info=PUBLIC_FIELD)
    withdrawn_late: Mapped[bool] = mapped_column(default=False, info=INTERNAL_FIELD)
    withdrawal_statement: Mapped[str | None] = mapped_column(Text, info=classified(Level.PUBLIC, free_text=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, info=PUBLIC_FIELD)

    department: Mapped[Department] = relationship(lazy="joined", info=PUBLIC_FIELD)

    @property
    def status_enum(self) -> PenaltyStatus:
        """The status as a :class:`PenaltyStatus`."""
        return PenaltyStatus(self.status)
