"""Tables of the self-inspection: one row per run and one per finding of that run.

Nothing here is public: the runs and findings are shown only to supervisors and administrators.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.classification import INTERNAL_FIELD
from portal.core.timefmt import utcnow
from portal.extensions import Model


class InspectionRun(Model):
    """One self-inspection: when, what it covered, its score and verdict."""

    __tablename__ = "inspection_runs"

    id: Mapped[int] = mapped_column(primary_key=True, info=INTERNAL_FIELD)
    ran_on: Mapped[date] = mapped_column(index=True, info=INTERNAL_FIELD)
    started_at: Mapped[datetime] = mapped_column(default=utcnow, info=INTERNAL_FIELD)
    finished_at: Mapped[datetime] = mapped_column(default=utcnow, info=INTERNAL_FIELD)
    # "command" (portal inspect) or "page" (the supervisor's 立即自查 button).
    trigger: Mapped[str] = mapped_column(String(16), info=INTERNAL_FIELD)
    crawled: Mapped[bool] = mapped_column(default=False, info=INTERNAL_FIELD)
    pages_crawled: Mapped[int] = mapped_column(default=0, info=INTERNAL_FIELD)
    # False when the crawl stopped at its page budget before it ran out of links.
    crawl_complete: Mapped[bool] = mapped_column(default=True, info=INTERNAL_FIELD)
    score: Mapped[int] = mapped_column(info=INTERNAL_FIELD)
    vetoed: Mapped[bool] = mapped_column(default=False, info=INTERNAL_FIELD)
    passed: Mapped[bool] = mapped_column(default=False, info=INTERNAL_FIELD)

    findings: Mapped[list[InspectionFinding]] = relationship(
        order_by="InspectionFinding.position", cascade="all, delete-orphan", back_populates="run")


class InspectionFinding(Model):
    """One problem a run found; ``key`` stays the same from run to run for the same problem."""

    __tablename__ = "inspection_findings"
    __table_args__ = (Index("ix_inspection_findings_run_key", "run_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=INTERNAL_FIELD)
    run_id: Mapped[int] = mapped_column(ForeignKey("inspection_runs.id", ondelete="CASCADE"),
                                        info=INTERNAL_FIELD)
    position: Mapped[int] = mapped_column(default=0, info=INTERNAL_FIELD)
    check_id: Mapped[str] = mapped_column(String(40), info=INTERNAL_FIELD)
    key: Mapped[str] = mapped_column(String(400), info=INTERNAL_FIELD)
    veto: Mapped[bool] = mapped_column(default=False, info=INTERNAL_FIELD)
    title: Mapped[str] = mapped_column(String(100), info=INTERNAL_FIELD)
    item: Mapped[str] = mapped_column(String(300), info=INTERNAL_FIELD)
    link: Mapped[str] = mapped_column(String(400), default="", info=INTERNAL_FIELD)
    details: Mapped[str] = mapped_column(Text, default="", info=INTERNAL_FIELD)
    is_new: Mapped[bool] = mapped_column(default=True, info=INTERNAL_FIELD)

    run: Mapped[InspectionRun] = relationship(back_populates="findings")
