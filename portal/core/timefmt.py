"""Time handling: stored in UTC, shown and dated in Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    """The current moment as a naive UTC datetime, the form stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_local(moment: datetime | None) -> datetime | None:
    """Convert a stored naive-UTC datetime to an aware Asia/Shanghai datetime."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).astimezone(LOCAL_TZ)


def local_today() -> date:
    """Today's date in Asia/Shanghai (dates of receipt and review are local dates)."""
    return datetime.now(LOCAL_TZ).date()


def local_to_utc(moment: datetime) -> datetime:
    """Convert a naive Asia/Shanghai datetime (as typed in a form) to naive UTC."""
    return moment.replace(tzinfo=LOCAL_TZ).astimezone(UTC).replace(tzinfo=None)


def format_local(moment: datetime | None, with_time: bool = True) -> str:
    """Format a stored UTC datetime for display, e.g. ``2026-11-23 14:05``."""
    local = to_local(moment)
    if local is None:
        return ""
    return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")
