"""The supervisors' 自查 page: the last run with its score and verdict, and the 立即自查 button.

The button runs the data checks and a crawl of at most ``INSPECTION_PAGE_CRAWL_MAX_PAGES``
addresses (default 300, about three seconds): the demo site is crawled whole, a large site only
in part, and the page then says that the full crawl is the daily ``portal inspect``'s.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for

from portal.accounts.models import Role
from portal.auth.access import role_required
from portal.core.timefmt import local_today
from portal.extensions import db
from portal.forms import PortalForm
from portal.inspection.runs import LOCK_NAME, latest_run, run_inspection
from portal.inspection.scoring import CHECKS, PASS_SCORE
from portal.joblock import single_runner

bp = Blueprint("inspection", __name__, url_prefix="/staff/inspection")
DEFAULT_PAGE_CRAWL = 300


class RunForm(PortalForm):
    """The 立即自查 button (its CSRF token only)."""


@bp.route("/")
@role_required(Role.SUPERVISOR, Role.ADMIN)
def index():
    """The last run: verdict, score, single-veto findings first, each linking to its item."""
    run = latest_run()
    return render_template("inspection/staff_index.html", run=run, crawl=latest_run(crawled=True), checks=CHECKS,
                           pass_score=PASS_SCORE, form=RunForm(), today=local_today())


@bp.route("/run", methods=["POST"])
@role_required(Role.SUPERVISOR, Role.ADMIN)
def run_now():
    """Run the data checks and a bounded crawl now and store the run (a run already in progress
    elsewhere, by the command or another click, wins)."""
    if not RunForm().validate_on_submit():
        flash("页面已过期，请刷新后重试。", "error")
        return redirect(url_for("inspection.index"))
    with single_runner(LOCK_NAME) as mine:
        if not mine:
            flash("另一次自查正在进行，请稍后刷新本页查看结果。", "error")
            return redirect(url_for("inspection.index"))
        budget = int(current_app.config.get("INSPECTION_PAGE_CRAWL_MAX_PAGES", DEFAULT_PAGE_CRAWL))
        run = run_inspection(local_today(), "page", with_crawl=True, max_pages=budget)
        db.session.commit()
    flash(f"自查完成：{'合格' if run.passed else '不合格'}，得分 {run.score}，发现问题 {len(run.findings)} 个。",
          "success")
    return redirect(url_for("inspection.index"))
