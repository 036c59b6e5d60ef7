"""Statistics and annual-report tables as open-data JSON.

Statistics are the public accountability figures of ``/performance`` and the complaint
statistics of ``/complaints/statistics``: counts only, computed from the data. Annual reports
are served once a supervisor approved them and their notice is public; their texts come through
``disclose(report, PUBLIC)``, the tables are counts.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import url_for
from sqlalchemy import select

from portal.annual.models import AnnualReport
from portal.annual.services import PROACTIVE_ITEMS, REVIEW_COLUMNS, REVIEW_GROUPS, published_table
from portal.annual.table import COLUMNS, ROWS, SectionThree
from portal.api.records import iso_datetime, reasons
from portal.complaints.models import COMPLAINT_TYPES, DECISIONS, OUTCOMES
from portal.complaints.stats import monthly_statistics
from portal.core.classification import PUBLIC
from portal.disclose import disclose
from portal.extensions import db
from portal.matters.labels import KIND_LABELS
from portal.notices.models import Notice
from portal.notices.queries import public_notice
from portal.oversight.performance import Figures, accountability

WINDOW_DAYS = 365
CHECK_RULE = "一 + 二 = (七) + 四"


def _count(value: object) -> int:
    """An entered figure as a count (anything but a non-negative integer reads as 0)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _row(kind: str, department: str, figures: Figures) -> dict:
    average = figures.average_workdays_value
    return {
        "kind": kind, "kind_label": KIND_LABELS.get(kind, kind), "department": department,
        "received": figures.received, "closed": figures.closed, "on_time": figures.on_time,
        "on_time_share": _share(figures.on_time, figures.closed),
        "average_workdays": None if average is None else round(average, 1),
        "extended": figures.extended, "rated": figures.rated, "satisfied": figures.satisfied,
        "satisfaction_share": _share(figures.satisfied, figures.rated),
    }


def _counts(counter, labels: dict[str, str]) -> list[dict]:
    return [{"code": code, "label": labels.get(code, "办理中" if code == "pending" else code),
             "count": count} for code, count in sorted(counter.items())]


def statistics(today: date) -> dict:
    """The public figures of the last 12 months, per kind and department, and complaints by month."""
    figures = accountability(today, days=WINDOW_DAYS)
    rows = [_row(kind, department, f) for kind in sorted(figures)
            for department, f in sorted(figures[kind].items())]
    months = [{
        "month": month, "received": f.received, "replied": f.replied, "on_time": f.on_time,
        "on_time_share": _share(f.on_time, f.replied),
        "by_type": _counts(f.by_type, COMPLAINT_TYPES),
        "by_outcome": _counts(f.by_outcome, OUTCOMES | DECISIONS),
        "by_department": [{"name": name, "count": n} for name, n in sorted(f.by_department.items())],
    } for month, f in monthly_statistics()]
    return {"generated_on": today.isoformat(),
            "period": {"since": (today - timedelta(days=WINDOW_DAYS)).isoformat(),
                       "until": today.isoformat()},
            "accountability": rows, "complaints_by_month": months}


def published_reports() -> list[tuple[AnnualReport, Notice]]:
    """Approved reports whose notice the public may read now, newest year first."""
    reports = db.session.scalars(select(AnnualReport).where(
        AnnualReport.approved_at.is_not(None), AnnualReport.notice_id.is_not(None))
        .order_by(AnnualReport.year.desc()))
    pairs = [(report, public_notice(report.notice_id)) for report in reports
             if report.notice_id is not None]
    return [(report, notice) for report, notice in pairs if notice is not None]


def _reference(year: int, notice) -> dict:
    return {"year": year, "title": notice.title, "published_at": iso_datetime(notice.publish_at),
            "notice_id": notice.id,
            "notice_url": url_for("notices.detail", notice_id=notice.id, _external=True),
            "api_url": url_for("api.annual_report", year=year, _external=True)}


def report_list() -> list[dict]:
    """One entry per published annual report."""
    return [_reference(report.year, disclose(notice, PUBLIC)) for report, notice in published_reports()]


def _section_three(table: SectionThree) -> dict:
    cells = table.cells
    checks = [{"column": col, "new": cells["new"][col], "carried_in": cells["carried_in"][col],
               "results_total": cells["results_total"][col], "carried_out": cells["carried_out"][col],
               "balanced": cells["new"][col] + cells["carried_in"][col]
               == cells["results_total"][col] + cells["carried_out"][col]} for col, _ in COLUMNS]
    return {"columns": [{"key": k, "label": v} for k, v in COLUMNS],
            "rows": [{"key": key, "label": label, "cells": dict(cells[key])} for key, label in ROWS],
            "check": {"rule": CHECK_RULE, "balanced": table.balanced, "columns": checks}}


def report_detail(year: int) -> dict | None:
    """The tables and texts of ``year``'s published report, or None if it is not published."""
    found = next(((r, n) for r, n in published_reports() if r.year == year), None)
    if found is None:
        return None
    report, notice = disclose(found[0], PUBLIC), disclose(found[1], PUBLIC)
    proactive, review = report.proactive or {}, report.review_litigation or {}
    return {
        **_reference(year, notice), "overview": report.overview,
        "section_two": [{"key": k, "label": label, "value": _count(proactive.get(k))}
                        for k, label in PROACTIVE_ITEMS],
        "section_three": _section_three(published_table(report)),
        "section_four": {
            "columns": [{"key": k, "label": v} for k, v in REVIEW_COLUMNS],
            "rows": [{"key": group, "label": label,
                      "cells": {col: _count(review.get(f"{group}.{col}")) for col, _ in REVIEW_COLUMNS}}
                     for group, label in REVIEW_GROUPS]},
        "problems": report.problems, "other_matters": report.other_matters,
        "withheld_reasons": reasons(report),
    }

