"""What the supervisor writes or enters for a year's report, and its approval."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.classification import PUBLIC_FIELD, Level, classified
from portal.extensions import Model

TEXT = classified(Level.PUBLIC, free_text=True)


class AnnualReport(Model):
    """Sections 一, 五, 六 (text), 二 and 四 (entered figures); approval and the published notice."""

    __tablename__ = "annual_reports"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, info=PUBLIC_FIELD)
    overview: Mapped[str] = mapped_column(Text, default="", info=TEXT)  # 一、总体情况
    proactive: Mapped[dict] = mapped_column(JSON, default=dict, info=PUBLIC_FIELD)  # 二
    review_litigation: Mapped[dict] = mapped_column(JSON, default=dict, info=PUBLIC_FIELD)  # 四
    problems: Mapped[str] = mapped_column(Text, default="", info=TEXT)  # 五
    other_matters: Mapped[str] = mapped_column(Text, default="", info=TEXT)  # 六
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), info=PUBLIC_FIELD)
    # Section 三 as approved: what was published stays what is served, whatever changes later.
    approved_cells: Mapped[dict | None] = mapped_column(JSON, info=PUBLIC_FIELD)
