"""The request's own fields (the shared ones live on :class:`portal.matters.models.Matter`)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Department, User
from portal.core.classification import INTERNAL_FIELD, PUBLIC_FIELD, Level, classified
from portal.core.timefmt import utcnow
from portal.extensions import Model
from portal.matters.models import Matter, MatterDetails, rated_index
from portal.public_content import public_content

APPLICANT_TYPES = {"person": "自然人", "org": "法人或其他组织"}
ORG_KINDS = {"business": "商业企业", "research": "科研机构", "nonprofit": "社会公益组织",
             "legal": "法律服务机构", "other": "其他"}
ID_TYPES = {"resident_id": "居民身份证", "passport": "护照", "hk_macao": "港澳居民来往内地通行证",
            "taiwan": "台湾居民来往大陆通行证", "org_code": "统一社会信用代码", "other": "其他有效证件"}
DELIVERY = {"paper": "纸质", "email": "电子邮件", "electronic": "电子数据", "pickup": "自行领取"}
PRIVATE = classified(Level.PRIVATE)


@public_content
class DisclosureRequest(MatterDetails, Model):
    """What the applicant asked for and who they are (personal data: 个人隐私)."""

    __tablename__ = "disclosure_requests"
    __table_args__ = (rated_index("disclosure_requests"),)

    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"),
                                           primary_key=True, info=INTERNAL_FIELD)
    applicant_type: Mapped[str] = mapped_column(String(16), info=PUBLIC_FIELD)
    org_kind: Mapped[str | None] = mapped_column(String(16), info=PUBLIC_FIELD)
    applicant_name: Mapped[str] = mapped_column(String(100),
                                                info=classified(Level.PRIVATE, person_name=True))
    id_type: Mapped[str] = mapped_column(String(16), info=PRIVATE)
    id_number: Mapped[str] = mapped_column(String(40), info=PRIVATE)
    phone: Mapped[str] = mapped_column(String(30), info=PRIVATE)
    email: Mapped[str] = mapped_column(String(254), default="", info=PRIVATE)
    address: Mapped[str] = mapped_column(String(255), info=PRIVATE)
    description: Mapped[str] = mapped_column(Text, info=classified(Level.PRIVATE, free_text=True))
    purpose: Mapped[str] = mapped_column(Text, default="", info=PRIVATE)
    delivery: Mapped[str] = mapped_column(String(16), info=PUBLIC_FIELD)
    repeat_of_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id"), info=INTERNAL_FIELD)
    reply_type: Mapped[str | None] = mapped_column(String(32), info=PUBLIC_FIELD)
    reply_sub_reason: Mapped[str | None] = mapped_column(String(32), info=PUBLIC_FIELD)
    reply_md: Mapped[str] = mapped_column(Text, default="", info=classified(Level.PUBLIC, markdown=True))
    reply_sent_on: Mapped[date | None] = mapped_column(info=PUBLIC_FIELD)
    rating: Mapped[str | None] = mapped_column(String(16), info=PUBLIC_FIELD)
    rating_comment: Mapped[str] = mapped_column(Text, default="", info=PRIVATE)

    matter: Mapped[Matter] = relationship(foreign_keys=[matter_id], lazy="joined",
                                          info=PUBLIC_FIELD)



UNANSWERED = "answered_on IS NULL"


class Consultation(Model):
    """One internal consultation (内部征求意见): the office asks a department that holds part of
    the information a question, with an internal due date in working days; the department answers.

    Process information (Art. 16): every column is internal and never reaches a public page.
    """

    __tablename__ = "request_consultations"
    __table_args__ = (
        # Unanswered consultations by due date: the overdue table on the dashboard and the sweep.
        Index("ix_request_consultations_open", "due_on", "department_id",
              postgresql_where=text(UNANSWERED), sqlite_where=text(UNANSWERED)),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=INTERNAL_FIELD)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True,
                                           info=INTERNAL_FIELD)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True,
                                               info=INTERNAL_FIELD)
    question: Mapped[str] = mapped_column(Text, info=INTERNAL_FIELD)
    asked_on: Mapped[date] = mapped_column(info=INTERNAL_FIELD)
    workdays: Mapped[int] = mapped_column(info=INTERNAL_FIELD)
    due_on: Mapped[date] = mapped_column(info=INTERNAL_FIELD)
    due_provisional: Mapped[bool] = mapped_column(default=False, info=INTERNAL_FIELD)
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=INTERNAL_FIELD)
    answer: Mapped[str] = mapped_column(Text, default="", info=INTERNAL_FIELD)
    answered_on: Mapped[date | None] = mapped_column(info=INTERNAL_FIELD)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=INTERNAL_FIELD)
    overdue_since: Mapped[date | None] = mapped_column(info=INTERNAL_FIELD)  # set by the sweep
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=INTERNAL_FIELD)

    matter: Mapped[Matter] = relationship(lazy="joined")
    department: Mapped[Department] = relationship(lazy="joined")
    asked_by: Mapped[User | None] = relationship(foreign_keys=[asked_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])

    def overdue_on(self, today: date) -> bool:
        """Unanswered and past its internal due date on ``today``."""
        return self.answered_on is None and self.due_on < today
