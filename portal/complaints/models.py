"""The complaint's own fields, and the per-type time-limit policy an administrator edits."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Department
from portal.core.classification import INTERNAL_FIELD, PUBLIC_FIELD, Level, classified
from portal.core.timefmt import utcnow
from portal.extensions import Model
from portal.matters.models import Matter, MatterDetails, rated_index
from portal.public_content import public_content

COMPLAINT_TYPES = {"unfair": "执法不公", "conduct": "态度作风", "misconduct": "违法违纪",
                   "inaction": "不作为慢作为", "fees": "收费问题", "other": "其他"}
DECISIONS = {"accepted": "受理", "not_accepted": "不予受理", "transferred": "转送其他机关"}
OUTCOMES = {"upheld": "投诉属实", "partly": "部分属实", "not_upheld": "投诉不属实", "other": "其他处理"}
PRIVATE = classified(Level.PRIVATE)


@public_content
class Complaint(MatterDetails, Model):
    """Who and what the complaint is about, and how it was decided and answered."""

    __tablename__ = "complaints"
    __table_args__ = (rated_index("complaints"),)

    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"),
                                           primary_key=True, info=INTERNAL_FIELD)
    complaint_type: Mapped[str] = mapped_column(String(16), info=PUBLIC_FIELD)
    about_department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), info=PUBLIC_FIELD)
    # The officer complained about: personal data, never in any public output.
    officer_name: Mapped[str] = mapped_column(String(50), default="", info=PRIVATE)
    officer_number: Mapped[str] = mapped_column(String(16), default="", info=PRIVATE)
    officer_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=INTERNAL_FIELD)
    happened_on: Mapped[date | None] = mapped_column(info=PRIVATE)
    what_happened: Mapped[str] = mapped_column(Text, info=classified(Level.PRIVATE, free_text=True))
    wants: Mapped[str] = mapped_column(Text, default="", info=PRIVATE)
    anonymous: Mapped[bool] = mapped_column(default=False, info=PUBLIC_FIELD)
    complainant_name: Mapped[str] = mapped_column(String(100), default="",
                                                  info=classified(Level.PRIVATE, person_name=True))
    phone: Mapped[str] = mapped_column(String(30), default="", info=PRIVATE)
    email: Mapped[str] = mapped_column(String(254), default="", info=PRIVATE)
    decision: Mapped[str | None] = mapped_column(String(16), info=PUBLIC_FIELD)
    decision_reason: Mapped[str] = mapped_column(Text, default="",
                                                 info=classified(Level.PUBLIC, free_text=True))
    transferred_to: Mapped[str] = mapped_column(String(100), default="", info=PUBLIC_FIELD)
    outcome: Mapped[str | None] = mapped_column(String(16), info=PUBLIC_FIELD)
    reply_md: Mapped[str] = mapped_column(Text, default="", info=classified(Level.PUBLIC, markdown=True))
    replied_on: Mapped[date | None] = mapped_column(info=PUBLIC_FIELD)
    on_time: Mapped[bool | None] = mapped_column(info=PUBLIC_FIELD)
    rating: Mapped[str | None] = mapped_column(String(16), info=PUBLIC_FIELD)
    rating_comment: Mapped[str] = mapped_column(Text, default="", info=PRIVATE)
    review_requested_on: Mapped[date | None] = mapped_column(info=PUBLIC_FIELD)
    review_reason: Mapped[str] = mapped_column(Text, default="", info=PRIVATE)
    summary_md: Mapped[str] = mapped_column(Text, default="",
                                            info=classified(Level.PUBLIC, markdown=True))
    summary_published_on: Mapped[date | None] = mapped_column(info=PUBLIC_FIELD)

    matter: Mapped[Matter] = relationship(lazy="joined", info=PUBLIC_FIELD)
    about_department: Mapped[Department] = relationship(lazy="joined", info=PUBLIC_FIELD)



@public_content
class ComplaintPolicy(Model):
    """Time limits for one complaint type; defaults from 《信访工作条例》 (calendar days)."""

    __tablename__ = "complaint_policies"

    complaint_type: Mapped[str] = mapped_column(String(16), primary_key=True, info=PUBLIC_FIELD)
    unit: Mapped[str] = mapped_column(String(16), default="calendar_days", info=PUBLIC_FIELD)
    accept_days: Mapped[int] = mapped_column(default=15, info=PUBLIC_FIELD)
    handle_days: Mapped[int] = mapped_column(default=60, info=PUBLIC_FIELD)
    max_extension_days: Mapped[int] = mapped_column(default=30, info=PUBLIC_FIELD)
    review_window_days: Mapped[int] = mapped_column(default=30, info=PUBLIC_FIELD)
    review_days: Mapped[int] = mapped_column(default=30, info=PUBLIC_FIELD)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
