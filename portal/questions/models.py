"""A question asked through 网上咨询: the asker's own words, the answer, and what is published.

The question is a matter (kind ``question``, number ``ZX-YYYY-NNNNNN``): it shares the tracking
number, access code, event log and statutory clock of requests and complaints. The asker's text
is personal (个人隐私); what the public reads is ``public_title`` and ``public_question``, a copy
staff prepare when they answer, in which they mark names (``[[姓名]]…[[/姓名]]``) and may withhold
spans with a cited reason; the filter masks ID numbers, phones, e-mails and marked names in it as
in any free text.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.classification import PUBLIC_FIELD, Level, classified
from portal.extensions import Model
from portal.matters.models import Matter, MatterDetails
from portal.public_content import public_content

KIND = "question"
PREFIX = "ZX"
PRIVATE = classified(Level.PRIVATE)
PUBLISHED = "published_on IS NOT NULL"
RATINGS = {"satisfied": "满意", "fair": "基本满意", "unsatisfied": "不满意"}


@public_content
class Question(MatterDetails, Model):
    """One citizen's question, its answer, whether it is published, and the asker's rating."""

    __tablename__ = "questions"
    __table_args__ = (
        # The public Q&A list and its feed: published questions, newest first.
        Index("ix_questions_published", "published_on", "matter_id",
              postgresql_where=text(PUBLISHED), sqlite_where=text(PUBLISHED)),
    )

    # The published answer's address (/questions/<matter_id>): public once published.
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"),
                                           primary_key=True, info=PUBLIC_FIELD)
    subject: Mapped[str] = mapped_column(String(100), info=classified(Level.PRIVATE, free_text=True))
    question_text: Mapped[str] = mapped_column(Text, info=classified(Level.PRIVATE, free_text=True))
    phone: Mapped[str] = mapped_column(String(30), default="", info=PRIVATE)
    email: Mapped[str] = mapped_column(String(254), default="", info=PRIVATE)
    consent_publish: Mapped[bool] = mapped_column(default=False, info=PUBLIC_FIELD)
    public_title: Mapped[str] = mapped_column(String(200), default="",
                                              info=classified(Level.PUBLIC, free_text=True))
    public_question: Mapped[str] = mapped_column(Text, default="",
                                                 info=classified(Level.PUBLIC, free_text=True))
    answer_md: Mapped[str] = mapped_column(Text, default="", info=classified(Level.PUBLIC, markdown=True))
    answered_on: Mapped[date | None] = mapped_column(info=PUBLIC_FIELD)
    answer_workdays: Mapped[int | None] = mapped_column(info=PUBLIC_FIELD)
    on_time: Mapped[bool | None] = mapped_column(info=PUBLIC_FIELD)
    published_on: Mapped[date | None] = mapped_column(info=PUBLIC_FIELD)
    rating: Mapped[str | None] = mapped_column(String(16), info=PUBLIC_FIELD)
    rating_comment: Mapped[str] = mapped_column(Text, default="", info=PRIVATE)

    matter: Mapped[Matter] = relationship(lazy="joined", info=PUBLIC_FIELD)
