"""The supervisor dashboard: overdue, due soon, awaiting approval, provisional, and trends."""

from __future__ import annotations

from flask import Blueprint, render_template

from portal.accounts.models import Role
from portal.core.timefmt import local_today
from portal.oversight import queries
from portal.oversight.charts import grouped_bars
from portal.staff.access import role_required

bp = Blueprint("oversight", __name__, url_prefix="/staff/oversight")


@bp.route("/")
@role_required(Role.SUPERVISOR, Role.ADMIN)
def dashboard():
    """Everything a supervisor must act on, latest first, with who holds it."""
    today = local_today()
    late = queries.overdue(today)
    by_department, by_assignee = queries.overdue_by(late)
    trends = {}
    for kind, label in queries.KIND_LABELS.items():
        months = queries.monthly_trend(kind)
        chart = grouped_bars([m.month for m in months], [
            ("收到", "bar-received", [m.received for m in months]),
            ("按时办结", "bar-ontime", [m.on_time for m in months]),
            ("逾期办结", "bar-late", [m.late for m in months]),
        ])
        trends[label] = (months, chart)
    return render_template(
        "oversight/staff_dashboard.html", today=today, overdue=late, due_soon=queries.due_soon(today),
        approvals=queries.awaiting_approval(), provisional=queries.provisional(),
        by_department=by_department, by_assignee=by_assignee, trends=trends,
        kinds=queries.KIND_LABELS)
