"""Checks computed from the data: columns, 网上咨询, 办事指南 and 执法结果公开.

* 网上咨询: every question still unanswered after its due date is a finding; past it by more than
  ``INSPECTION_QUESTION_VETO_WORKDAYS`` working days (default 10) it is 互动回应差, a single veto.
* 办事指南: a guide lacking one of the elements of :data:`GUIDE_ELEMENTS`, or past its review date.
* 执法结果公开: decisions published or withdrawn later than the law allows
  (:func:`portal.penalties.queries.late_publications`, :func:`~portal.penalties.queries.late_withdrawals`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import current_app, url_for
from sqlalchemy import select

from portal.accounts.models import Department
from portal.calendar.services import load_calendar
from portal.catalog.models import Guide
from portal.extensions import db
from portal.inspection.columns import column_findings
from portal.inspection.scoring import Finding
from portal.matters.models import Matter
from portal.penalties.models import CHANGE_KINDS
from portal.penalties.queries import late_publications, late_withdrawals
from portal.questions.models import KIND as QUESTION_KIND

DEFAULT_QUESTION_VETO_WORKDAYS = 10


def _filled(text: str | None) -> bool:
    return bool(text and text.strip())


def _fees_complete(guide: Guide) -> bool:
    if not guide.fees:
        return guide.is_free
    return all(_filled(fee.item) and _filled(fee.basis) for fee in guide.fees)


# The elements of 办事指南 every guide must carry (docs/rules.md, "Service guides").
GUIDE_ELEMENTS: tuple[tuple[str, Callable[[Guide], bool]], ...] = (
    ("事项名称", lambda g: _filled(g.title)),
    ("实施主体", lambda g: _filled(g.agency)),
    ("设定依据", lambda g: any(_filled(item) for item in g.basis or [])),
    ("受理条件", lambda g: _filled(g.conditions)),
    ("申请材料", lambda g: any(_filled(item) for item in g.materials or [])),
    ("办理流程", lambda g: any(_filled(item) for item in g.steps or [])),
    ("办理时限", lambda g: g.promised_days is not None and _filled(g.promised_unit)),
    ("收费标准及依据", _fees_complete),
    ("办理地点", lambda g: _filled(g.location)),
    ("办理时间", lambda g: _filled(g.hours)),
    ("咨询方式", lambda g: _filled(g.phone)),
    ("监督投诉方式", lambda g: _filled(g.complaint_phone)),
)


def missing_elements(guide: Guide) -> list[str]:
    """The names of the elements ``guide`` lacks, in the order of :data:`GUIDE_ELEMENTS`."""
    return [name for name, present in GUIDE_ELEMENTS if not present(guide)]


def guide_findings(today: date) -> list[Finding]:
    """Guides lacking an element, and guides past their review date."""
    findings = []
    for guide in db.session.scalars(select(Guide).order_by(Guide.slug)):
        link = url_for("catalog_staff.edit", slug=guide.slug)
        missing = missing_elements(guide)
        if missing:
            findings.append(Finding("guide-missing-element", guide.slug, guide.title or guide.slug, link,
                                    "缺少：" + "、".join(missing) + "。"))
        if guide.review_due_on < today:
            findings.append(Finding("guide-review-overdue", guide.slug, guide.title, link,
                                    f"应于 {guide.review_due_on.isoformat()} 复核，已逾期 "
                                    f"{(today - guide.review_due_on).days} 天。"))
    return findings


def question_findings(today: date) -> list[Finding]:
    """Questions unanswered past their due date; long past it, a single veto."""
    veto_after = int(current_app.config.get("INSPECTION_QUESTION_VETO_WORKDAYS", DEFAULT_QUESTION_VETO_WORKDAYS))
    calendar = load_calendar()
    rows = db.session.execute(
        select(Matter.tracking_no, Matter.due_on, Department.name)
        .join(Department, Department.id == Matter.department_id)
        .where(Matter.kind == QUESTION_KIND, Matter.closed_on.is_(None), Matter.due_on < today)
        .order_by(Matter.due_on, Matter.id))
    findings = []
    for tracking_no, due_on, department in rows:
        if due_on is None:  # never: the query keeps only questions with a due date
            continue
        late, _gaps = calendar.count_workdays_detail(due_on, today, lenient=True)
        check = "question-unanswered-long" if late > veto_after else "question-late"
        findings.append(Finding(check, tracking_no, f"{tracking_no}（{department}）",
                                url_for("questions_staff.show", tracking_no=tracking_no),
                                f"应于 {due_on.isoformat()} 前答复，已逾期 {late} 个工作日"
                                + (f"（超过 {veto_after} 个工作日）。" if late > veto_after else "。")))
    return findings


def penalty_findings(today: date) -> list[Finding]:
    """Penalty decisions published or withdrawn too late, or still waiting past their day."""
    findings = []
    for decision in late_publications(today):
        pending = decision.published_at is None
        findings.append(Finding(
            "penalty-late-publication", decision.decision_no, f"{decision.decision_no}（{decision.department.name}）",
            url_for("penalties_staff.show", penalty_id=decision.id),
            f"应于 {decision.publish_due_on.isoformat()} 前公开，"
            + (f"至今未公开（逾期 {(today - decision.publish_due_on).days} 天）。" if pending else "逾期公开。")))
    for decision in late_withdrawals(today):
        pending = decision.withdrawn_at is None
        due = decision.withdraw_due_on.isoformat() if decision.withdraw_due_on else "—"
        findings.append(Finding(
            "penalty-late-withdrawal", decision.decision_no, f"{decision.decision_no}（{decision.department.name}）",
            url_for("penalties_staff.show", penalty_id=decision.id),
            f"决定{CHANGE_KINDS.get(decision.change_kind or '', '')}后应于 {due} 前撤回，"
            + ("至今仍在公开。" if pending else "逾期撤回。")))
    return findings


def data_findings(today: date) -> list[Finding]:
    """Every finding computed from the data (no crawl)."""
    return [*column_findings(today), *question_findings(today), *guide_findings(today),
            *penalty_findings(today)]
