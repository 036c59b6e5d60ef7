"""The supervisor's annual-report page: the computed table, the written parts, publishing."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts.models import Role
from portal.annual.services import (
    PROACTIVE_ITEMS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    approve_and_publish,
    build,
    report_for,
    table_csv,
    year_ended,
)
from portal.annual.table import COLUMNS, ROWS
from portal.auth.access import role_required
from portal.core.errors import FieldError
from portal.core.timefmt import local_today
from portal.extensions import db
from portal.web.input_guard import whole_number

bp = Blueprint("annual", __name__, url_prefix="/staff/annual-report")
TEXT_FIELDS = ("overview", "problems", "other_matters")


def _year(year: int) -> int:
    if not 2019 <= year <= local_today().year:
        abort(404)
    return year


@bp.route("/")
@role_required(Role.SUPERVISOR, Role.ADMIN)
def index():
    """Last year's report (due by 31 January)."""
    return redirect(url_for("annual.show", year=local_today().year - 1))


@bp.route("/<int:year>", methods=["GET", "POST"])
@role_required(Role.SUPERVISOR, Role.ADMIN)
def show(year: int):
    """The report: section 三 from the data with its check; the other sections as entered."""
    report = report_for(_year(year))
    status = 200
    if request.method == "POST":
        errors = []
        for name in TEXT_FIELDS:
            setattr(report, name, request.form.get(name, "")[:20_000])
        figures = {}
        for key in [k for k, _ in PROACTIVE_ITEMS] + [f"{g}.{c}" for g, _ in REVIEW_GROUPS
                                                      for c, _ in REVIEW_COLUMNS]:
            number = whole_number(request.form.get(key, "0").strip() or "0")
            if number is None:
                errors.append(key)
            figures[key] = number or 0
        if errors:
            db.session.rollback()
            flash("数字栏只能填写非负整数。", "error")
            report, status = report_for(year), 422
        else:
            report.proactive = {k: figures[k] for k, _ in PROACTIVE_ITEMS}
            report.review_litigation = {k: v for k, v in figures.items() if "." in k}
            flash("已保存。", "success")
            return redirect(url_for("annual.show", year=year))
    return render_template("annual/staff_report.html", report=report, table=build(year), year=year,
                           year_ended=year_ended(year),
                           columns=COLUMNS, rows=ROWS, proactive_items=PROACTIVE_ITEMS,
                           review_columns=REVIEW_COLUMNS, review_groups=REVIEW_GROUPS), status


@bp.route("/<int:year>/table3.csv")
@role_required(Role.SUPERVISOR, Role.ADMIN)
def csv_export(year: int):
    """Section 三 as CSV."""
    return Response(table_csv(build(_year(year))), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=annual-{year}-table3.csv"})


@bp.route("/<int:year>/publish", methods=["POST"])
@role_required(Role.SUPERVISOR)
def publish(year: int):
    """Approve and publish as a notice (refused while the table does not balance)."""
    try:
        notice_id = approve_and_publish(_year(year), current_user.id)
    except FieldError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("annual.show", year=year))
    flash("年度报告已批准并发布。", "success")
    return redirect(url_for("notices.detail", notice_id=notice_id))
