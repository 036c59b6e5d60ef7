"""Public pages of 执法结果公开: the list of penalty decisions and one decision."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from portal.core.timefmt import local_today
from portal.extensions import db
from portal.penalties.deadlines import retention_days
from portal.penalties.queries import public_decision, public_decisions
from portal.penalties.record import public_record, withdrawal_notice
from portal.web.input_guard import query_int

bp = Blueprint("penalties", __name__, url_prefix="/penalties")
PAGE_SIZE = 20


@bp.route("/")
def index():
    """Published decisions within the retention period, newest first, paginated."""
    page = db.paginate(public_decisions(local_today()), page=query_int("page", 1), per_page=PAGE_SIZE,
                       error_out=False)
    pager = {"page": page.page, "pages": page.pages, "prev_num": page.prev_num,
             "next_num": page.next_num, "has_prev": page.has_prev, "has_next": page.has_next}
    return render_template("penalties/index.html", decisions=[public_record(d) for d in page.items],
                           pager=pager, retention_days=retention_days(), withdrawal_notice=withdrawal_notice)


@bp.route("/<int:penalty_id>")
def detail(penalty_id: int):
    """One decision's public record (a withdrawn one as the statement of why)."""
    decision = public_decision(penalty_id, local_today())
    if decision is None:
        abort(404)
    shown = public_record(decision)
    return render_template("penalties/detail.html", decision=shown,
                           notice=withdrawal_notice(shown) if shown.withdrawn else "")
