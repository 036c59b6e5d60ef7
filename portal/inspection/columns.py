"""Columns (栏目) of the public site: when each last published something.

A column is one notice kind (``NOTICE_KINDS``), the guide catalogue, the answers of 网上咨询 and
执法结果公开. A column whose newest public item is older than its limit is stale (栏目更新不及时);
one with no public item at all is empty (空白栏目, single veto). News columns (:data:`NEWS_KINDS`)
have the short limit ``INSPECTION_NEWS_STALE_DAYS`` (default 14 days, the national index's two
weeks for 动态、要闻类), every other column ``INSPECTION_COLUMN_STALE_DAYS`` (default 180 days, its
six months).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app, url_for
from sqlalchemy import Select, func, select

from portal.catalog.models import Guide
from portal.core.timefmt import to_local
from portal.extensions import db
from portal.inspection.scoring import Finding
from portal.notices.models import NOTICE_KINDS, Notice
from portal.notices.queries import public_notices
from portal.penalties.queries import public_decisions
from portal.questions.queries import published_questions

NEWS_KINDS = frozenset({"警务动态"})
DEFAULT_NEWS_DAYS = 14
DEFAULT_COLUMN_DAYS = 180


@dataclass(frozen=True)
class Column:
    """One column: its key, its name, its public page and how to read its newest date."""

    key: str
    name: str
    endpoint: str
    latest: Callable[[date], date | None]
    news: bool = False


def _day(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        local = to_local(value)
        return local.date() if local is not None else None
    return value


def _newest(query: Select, column: str) -> date | None:
    listed = query.order_by(None).subquery()
    return _day(db.session.scalar(select(func.max(listed.c[column]))))


def _notices_of(kind: str) -> Callable[[date], date | None]:
    return lambda _today: _newest(public_notices().where(Notice.kind == kind), "publish_at")


def columns() -> list[Column]:
    """Every column the inspection watches, in the order the site shows them."""
    found = [Column(f"notices-{kind}", kind, "notices.index", _notices_of(kind), news=kind in NEWS_KINDS)
             for kind in NOTICE_KINDS]
    found += [
        Column("guides", "办事指南", "catalog.index",
               lambda _today: _day(db.session.scalar(select(func.max(Guide.updated_at))))),
        Column("questions", "网上咨询", "questions.index",
               lambda _today: _newest(published_questions(), "published_on")),
        Column("penalties", "执法结果公开", "penalties.index",
               lambda today: _newest(public_decisions(today), "published_at")),
    ]
    return found


def limit_days(column: Column) -> int:
    """How many days ``column`` may go without a new item."""
    if column.news:
        return int(current_app.config.get("INSPECTION_NEWS_STALE_DAYS", DEFAULT_NEWS_DAYS))
    return int(current_app.config.get("INSPECTION_COLUMN_STALE_DAYS", DEFAULT_COLUMN_DAYS))


def column_findings(today: date) -> list[Finding]:
    """Empty columns and columns not updated within their limit."""
    findings = []
    for column in columns():
        newest = column.latest(today)
        link = url_for(column.endpoint)
        if newest is None:
            findings.append(Finding("column-empty", column.key, column.name, link,
                                    "栏目中没有任何公开的内容。"))
            continue
        days, limit = (today - newest).days, limit_days(column)
        if days > limit:
            findings.append(Finding("column-stale", column.key, column.name, link,
                                    f"最近一次更新为 {newest.isoformat()}，已 {days} 天未更新（要求 {limit} 天内）。"))
    return findings
