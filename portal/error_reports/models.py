"""A report made through 我为网站找错: which page, what is wrong, and the answer staff gave."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.classification import INTERNAL_FIELD, PUBLIC_FIELD, Level, classified
from portal.core.timefmt import utcnow
from portal.extensions import Model
from portal.public_content import public_content

CATEGORIES = {"wrong_information": "信息错误", "broken_link": "链接失效",
              "accessibility": "无障碍问题", "other": "其他"}
STATUSES = {"received": "待处理", "answered": "已答复"}
PRIVATE = classified(Level.PRIVATE)


@public_content  # its counts are on a public page
class ErrorReport(Model):
    """One report about a page of the site; only its counts are public."""

    __tablename__ = "error_reports"

    id: Mapped[int] = mapped_column(primary_key=True, info=INTERNAL_FIELD)
    page_url: Mapped[str] = mapped_column(String(500), default="", info=INTERNAL_FIELD)
    category: Mapped[str] = mapped_column(String(24), info=PUBLIC_FIELD)
    description: Mapped[str] = mapped_column(Text, info=classified(Level.PRIVATE, free_text=True))
    contact: Mapped[str] = mapped_column(String(254), default="", info=PRIVATE)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True, info=INTERNAL_FIELD)
    received_on: Mapped[date] = mapped_column(index=True, info=PUBLIC_FIELD)
    status: Mapped[str] = mapped_column(String(16), default="received", info=PUBLIC_FIELD)
    answer: Mapped[str] = mapped_column(Text, default="", info=INTERNAL_FIELD)
    answered_on: Mapped[date | None] = mapped_column(info=PUBLIC_FIELD)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=INTERNAL_FIELD)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=INTERNAL_FIELD)
