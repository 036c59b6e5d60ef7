"""Jinja filters and globals every template may use: dates, amounts, the site name, ``field()``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask import Flask

from portal.core.timefmt import format_local
from portal.forms import form_field


def iso_utc(value: datetime | None) -> str:
    """A UTC timestamp as ISO 8601 with ``Z`` (feeds and sitemaps)."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else "1970-01-01T00:00:00Z"


def local_date(value: datetime | None) -> str:
    """The local calendar date of a UTC timestamp."""
    return format_local(value, with_time=False)


def yuan(amount: Decimal | float | None) -> str:
    """A fee in yuan, or 免费 when there is none."""
    return "免费" if not amount else f"{amount:.2f} 元"


def bullet_items(text: str | None) -> list[str]:
    """The items of a text written as a "- " list (as guides write 受理条件), else an empty list."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines or not all(line.startswith(("- ", "* ")) for line in lines):
        return []
    return [line[2:].strip() for line in lines]


def install_filters(app: Flask) -> None:
    """Register the filters and the template globals."""
    app.jinja_env.filters.update(local_time=format_local, iso_utc=iso_utc, local_date=local_date, yuan=yuan,
                                 bullet_items=bullet_items)
    app.jinja_env.globals["site_name"] = app.config["SITE_NAME"]
    app.jinja_env.globals["issuing_authority"] = app.config["ISSUING_AUTHORITY"]
    app.jinja_env.globals["field"] = form_field
