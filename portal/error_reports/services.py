"""Receiving and answering reports of errors on the site (我为网站找错)."""

from __future__ import annotations

import re
from datetime import date

from flask import current_app
from sqlalchemy import select

from portal.accounts.models import Department
from portal.audit.services import record
from portal.core.errors import FieldError
from portal.core.timefmt import local_today
from portal.error_reports.models import CATEGORIES, ErrorReport
from portal.extensions import db
from portal.outbox.services import enqueue

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def site_department() -> Department:
    """The department that receives reports (``ERROR_REPORT_DEPARTMENT``; else the first one)."""
    code = current_app.config.get("ERROR_REPORT_DEPARTMENT", "gongkaiban")
    department = db.session.scalar(select(Department).where(Department.code == code))
    if department is None:
        department = db.session.scalar(select(Department).order_by(Department.position).limit(1))
    if department is None:
        raise FieldError("category", "系统尚未设置部门，暂时无法受理。")
    return department


def page_path(address: str) -> str:
    """The site path of a reported address: a path of this site, never another site's URL."""
    address = address.strip()
    path = re.sub(r"^https?://[^/]+", "", address)
    return path if path.startswith("/") and not path.startswith("//") else ""


def report_error(*, page_url: str, category: str, description: str, contact: str,
                 received_on: date | None = None) -> ErrorReport:
    """Store a report for the site's department."""
    if category not in CATEGORIES:
        raise FieldError("category", "请选择问题类型。")
    report = ErrorReport(page_url=page_path(page_url), category=category, description=description.strip(),
                         contact=contact.strip(), department_id=site_department().id,
                         received_on=received_on or local_today())
    db.session.add(report)
    db.session.flush()
    record("error_report.received", user_id=None, target_type="error_report", target_id=report.id,
           detail={"category": category})
    return report


def answer_report(report: ErrorReport, answer: str, actor_id: int) -> None:
    """Record how the report was handled; e-mail the reporter when they left an address."""
    if report.answered_on is not None:
        raise FieldError("answer", "这条报告已经答复。")
    if not answer.strip():
        raise FieldError("answer", "请填写处理情况。")
    report.answer, report.answered_on = answer.strip(), local_today()
    report.status, report.answered_by_id = "answered", actor_id
    record("error_report.answered", user_id=actor_id, target_type="error_report", target_id=report.id)
    if EMAIL.match(report.contact):
        enqueue(report.contact, "“我为网站找错”处理情况",
                f"您好：\n\n感谢您报告本站的问题。处理情况如下：\n\n{report.answer}\n",
                dedupe_key=f"error_report:{report.id}:answer")
