"""The supervisor dashboard: overdue, due soon, awaiting approval, provisional, and trends.

The dashboard shows the first :data:`DASHBOARD_ROWS` of each section (overdue: the most late)
with the section's full count; every matter of a section is reachable on its own paginated
list, which can be narrowed to one department or one holder.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from portal.accounts.models import Role
from portal.auth.access import role_required
from portal.core.timefmt import local_today
from portal.disclosure.routing_queries import overdue_by_department
from portal.inspection.runs import latest_run, open_findings
from portal.matters.labels import KIND_LABELS, MATTER_LABELS
from portal.oversight import case_stages, penalty_lapses, queries
from portal.oversight.charts import grouped_bars
from portal.oversight.trends import dashboard as trends_more
from portal.web.input_guard import query_id, query_int

bp = Blueprint("oversight", __name__, url_prefix="/staff/oversight")
DASHBOARD_ROWS = 20
PAGE_SIZE = 50


@bp.route("/")
@role_required(Role.SUPERVISOR, Role.ADMIN)
def dashboard():
    """Everything a supervisor must act on, latest first, with who holds it."""
    today = local_today()
    summary = queries.open_summary(today)
    trends = {}
    for kind, label in KIND_LABELS.items():
        months = queries.monthly_trend(kind, today)
        chart = grouped_bars([m.month for m in months], [
            ("收到", "bar-received", [m.received for m in months]),
            ("按时办结", "bar-ontime", [m.on_time for m in months]),
            ("逾期办结", "bar-late", [m.late for m in months]),
        ])
        trends[label] = (months, chart)
    rows = {name: queries.section_rows(name, today, limit=DASHBOARD_ROWS) for name in queries.SECTIONS}
    return render_template(
        "oversight/staff_dashboard.html", today=today, rows=rows, counts=summary.counts,
        by_department=summary.by_department, by_assignee=summary.by_assignee, trends=trends,
        kinds=MATTER_LABELS, case_stages=case_stages.dashboard(today, limit=DASHBOARD_ROWS),
        consultations_overdue=overdue_by_department(today), penalty_lapses=penalty_lapses.dashboard(today),
        inspection_findings=open_findings(latest_run()))


@bp.route("/statistics")
@role_required(Role.SUPERVISOR, Role.ADMIN)
def statistics():
    """Reply-type mix, satisfaction per month and figures per department over the last 12 months.

    A page of its own: joining each kind's own table costs ~0.4–0.8 s at a million matters, which the
    dashboard (what is due and overdue now) must not wait for."""
    today = local_today()
    return render_template("oversight/staff_statistics.html", today=today, trends_more=trends_more(today))


@bp.route("/list")
@role_required(Role.SUPERVISOR, Role.ADMIN)
def section_list():
    """Every matter of one section (``?section=``, default overdue), :data:`PAGE_SIZE` a page,
    optionally of one department (``?department=``) or holder (``?assignee=``, 0: unassigned)."""
    section = request.args.get("section", "overdue")
    if section not in queries.SECTIONS:
        abort(404)
    today = local_today()
    flt = queries.Filter(department_id=query_id("department"),
                         assignee_id=request.args.get("assignee", type=int))
    total = queries.section_count(section, today, flt)
    pages = max(1, -(-total // PAGE_SIZE))
    page = query_int("page", 1, minimum=0)
    if page < 1 or page > pages:
        abort(404)
    rows = queries.section_rows(section, today, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, flt=flt)
    names = queries.department_names()
    holder = queries.holder_name(flt.assignee_id)
    return render_template(
        "oversight/staff_list.html", today=today, section=section, title=queries.SECTIONS[section],
        rows=rows, total=total, page=page, pages=pages, flt=flt, kinds=MATTER_LABELS,
        department=names.get(flt.department_id) if flt.department_id is not None else None, holder=holder)
