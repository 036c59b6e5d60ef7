"""Citizen pages of 我为网站找错: the report form (linked from every page's footer with that
page's address filled in), the thank-you page, and the public counts."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from portal.core.errors import FieldError
from portal.error_reports.forms import PAGE_LENGTH, ReportForm
from portal.error_reports.models import CATEGORIES
from portal.error_reports.queries import monthly_counts
from portal.error_reports.services import page_path, report_error

bp = Blueprint("error_reports", __name__, url_prefix="/report-error")


@bp.route("/", methods=["GET", "POST"])
def report():
    """The report form; ``?page=`` (the page the visitor came from) fills in the address."""
    form = ReportForm()
    if not form.is_submitted():
        form.page_url.data = page_path(request.args.get("page", ""))[:PAGE_LENGTH]
    elif form.validate():
        try:
            report_error(page_url=form.page_url.data or "", category=form.category.data,
                         description=form.description.data, contact=form.contact.data or "")
        except FieldError as exc:
            getattr(form, exc.field, form.description).errors.append(exc.message)
        else:
            return redirect(url_for("error_reports.thanks"))
    return render_template("error_reports/report.html", form=form)


@bp.route("/thanks")
def thanks():
    """Confirmation after a report."""
    return render_template("error_reports/thanks.html")


@bp.route("/statistics")
def statistics():
    """Reports received per month and kind of problem, and how many were answered."""
    return render_template("error_reports/statistics.html", months=monthly_counts(), categories=CATEGORIES)
