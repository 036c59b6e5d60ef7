"""Back-office pages of 我为网站找错: the reports sent to the user's department, and the answer."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.auth.access import staff_required
from portal.disclose import disclose, viewer_of
from portal.error_reports.forms import AnswerForm
from portal.error_reports.models import CATEGORIES, STATUSES, ErrorReport
from portal.error_reports.queries import reports_for
from portal.error_reports.services import answer_report
from portal.extensions import db
from portal.web.form_posts import REFUSED, apply_form

bp = Blueprint("error_reports_staff", __name__, url_prefix="/staff/error-reports")


def _report_or_404(report_id: int) -> ErrorReport:
    report = db.session.get(ErrorReport, report_id)
    if report is None:
        abort(404)
    if not current_user.can_manage_department(report.department_id):
        abort(403)
    return report


@bp.route("/")
@staff_required
def index():
    """Reports for the user's department (all for supervisors), unanswered first."""
    department = None if current_user.is_overseer else current_user.department_id
    return render_template("error_reports/staff_list.html", rows=reports_for(department),
                           categories=CATEGORIES, statuses=STATUSES)


def _page(report: ErrorReport, form: AnswerForm | None = None, status: int = 200):
    return render_template("error_reports/staff_show.html", r=report, form=form or AnswerForm(),
                           shown=disclose(report, viewer_of(current_user)), categories=CATEGORIES,
                           statuses=STATUSES), status


@bp.route("/<int:report_id>")
@staff_required
def show(report_id: int):
    """One report: the page, the problem, the contact (who may see it), and the answer form."""
    return _page(_report_or_404(report_id))


@bp.route("/<int:report_id>/answer", methods=["POST"])
@staff_required
def answer(report_id: int):
    """Record how the report was handled."""
    report = _report_or_404(report_id)
    form = AnswerForm()
    if apply_form(form, lambda: answer_report(report, form.answer.data, current_user.id),
                  fallback="answer") is REFUSED:
        return _page(report, form, 422)
    flash("已记录处理情况。", "success")
    return redirect(url_for("error_reports_staff.show", report_id=report_id))
