"""Guides and notices as open-data JSON, shaped from ``disclose(record, PUBLIC)`` only.

Each function receives the :class:`portal.disclose.Disclosed` of a record (never the model
object) and picks the fields the OpenAPI document lists, so a column added to a model never
reaches a client until it is declared public *and* named here and in the document.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import url_for

from portal.catalog.measured import Measured
from portal.disclose import Disclosed


def iso_datetime(moment: datetime | None) -> str | None:
    """A stored naive-UTC moment as RFC 3339 (``2026-11-23T06:05:00Z``)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def iso_date(day: date | None) -> str | None:
    """A date as ``YYYY-MM-DD``."""
    return day.isoformat() if day else None


def reasons(record: Disclosed) -> list[dict]:
    """The legal grounds cited for withheld spans of a record's texts (区分处理)."""
    return [{"article": r.article, "label": r.label} for r in record.withheld_reasons]


def _unit(code: Disclosed) -> dict:
    return {"code": code.code, "name": code.name}


def _limits(guide: Disclosed) -> dict:
    return {
        "statutory_limit": {"days": guide.statutory_days, "unit": guide.statutory_unit,
                            "label": guide.statutory_label},
        "promised_limit": {"days": guide.promised_days, "unit": guide.promised_unit,
                           "label": guide.promised_label, "example": guide.promised_is_example},
    }


def guide_summary(guide: Disclosed) -> dict:
    """A guide in a list: what a client needs to choose and link to it."""
    return {
        "slug": guide.slug, "title": guide.title,
        "url": url_for("catalog.detail", slug=guide.slug, _external=True),
        "api_url": url_for("api.guide", slug=guide.slug, _external=True),
        "item_type": guide.item_type, "category": _unit(guide.category),
        "department": _unit(guide.department), "online": guide.online, "is_free": guide.is_free,
        "visits": guide.visits, **_limits(guide), "reviewed_on": iso_date(guide.reviewed_on),
        "version": guide.version, "updated_at": iso_datetime(guide.updated_at),
    }


def guide_detail(guide: Disclosed, measured: Measured | None) -> dict:
    """Every public element of a guide, with fees and their basis and the measured time."""
    return {
        **guide_summary(guide),
        "agency": guide.agency, "basis": list(guide.basis), "conditions": guide.conditions,
        "materials": list(guide.materials), "steps": list(guide.steps),
        "measured": measured.as_json() if measured else None,
        "fees": [{"item": fee.item, "amount_yuan": f"{fee.amount_yuan:.2f}",
                  "free": not fee.amount_yuan, "basis": fee.basis} for fee in guide.fees],
        "location": guide.location, "hours": guide.hours, "phone": guide.phone,
        "complaint_phone": guide.complaint_phone,
        "faq": [{"q": pair.get("q", ""), "a": pair.get("a", "")} for pair in guide.faq
                if isinstance(pair, dict)],
        "local_note": guide.local_note, "body_markdown": guide.body_md,
        "body_html": guide.body_html, "withheld_reasons": reasons(guide),
    }


def notice_summary(notice: Disclosed) -> dict:
    """A notice in a list: title, column, unit, dates and a plain-text excerpt."""
    return {
        "id": notice.id, "title": notice.title, "kind": notice.kind,
        "department": _unit(notice.department),
        "url": url_for("notices.detail", notice_id=notice.id, _external=True),
        "api_url": url_for("api.notice", notice_id=notice.id, _external=True),
        "published_at": iso_datetime(notice.publish_at),
        "updated_at": iso_datetime(notice.updated_at), "version": notice.version,
        "excerpt": notice.body_excerpt[:200],
    }


def notice_detail(notice: Disclosed) -> dict:
    """A public notice with its redacted Markdown, the sanitized HTML and the reasons cited."""
    return {**notice_summary(notice), "body_markdown": notice.body_md,
            "body_html": notice.body_html, "withheld_reasons": reasons(notice)}
