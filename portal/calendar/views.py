"""The administrator's calendar page: overrides, year lists, provisional deadlines."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import DateField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.accounts.models import Role
from portal.auth.access import role_required
from portal.calendar.models import CalendarOverride, CalendarYear
from portal.calendar.services import import_year, parse_year_list, set_day
from portal.extensions import db
from portal.forms import PortalForm
from portal.matters.models import Matter
from portal.matters.services import recompute_open_deadlines

bp = Blueprint("calendar_admin", __name__, url_prefix="/staff/calendar")


class DayForm(PortalForm):
    """Mark one date."""

    day = DateField("日期", validators=[InputRequired("请填写日期。")])
    kind = RadioField("类型", choices=[SelectChoice("holiday", "节假日（休息）"),
                                     SelectChoice("workday", "工作日（含调休上班）")],
                      validators=[InputRequired("请选择类型。")])
    note = StringField("说明", validators=[Optional(), Length(max=100)])


class YearForm(PortalForm):
    """Enter a whole year's official list."""

    year = IntegerField("年份", validators=[InputRequired("请填写年份。"),
                                          NumberRange(2004, 2100, "年份不正确。")])
    listing = TextAreaField("安排（每行：日期 holiday 或 workday）", validators=[
        InputRequired("请填写安排。"), Length(max=20_000)])


def _page(day_form: DayForm, year_form: YearForm, status: int = 200):
    overrides = list(db.session.scalars(select(CalendarOverride).order_by(CalendarOverride.day)))
    provisional = db.session.scalar(select(func.count(Matter.id)).where(
        Matter.closed_on.is_(None), Matter.due_provisional.is_(True))) or 0
    years = list(db.session.scalars(select(CalendarYear.year).order_by(CalendarYear.year)))
    return render_template("calendar/staff_calendar.html", overrides=overrides, years=years,
                           provisional=provisional, day_form=day_form, year_form=year_form), status


@bp.route("/", methods=["GET"])
@role_required(Role.ADMIN, Role.SUPERVISOR)
def index():
    """Overrides in force and the number of provisional deadlines."""
    return _page(DayForm(prefix="day"), YearForm(prefix="year"))


@bp.route("/day", methods=["POST"])
@role_required(Role.ADMIN)
def set_one():
    """Mark a date as a holiday or a working day."""
    form = DayForm(prefix="day")
    if not form.validate_on_submit():
        return _page(form, YearForm(prefix="year"), 422)
    set_day(form.day.data, form.kind.data == "workday", form.note.data or "", current_user.id)
    recompute_open_deadlines()
    flash(f"{form.day.data.isoformat()} 已更新，未办结事项的期限已重新计算。", "success")
    return redirect(url_for("calendar_admin.index"))


@bp.route("/year", methods=["POST"])
@role_required(Role.ADMIN)
def set_year():
    """Enter a year's list; every open deadline is recomputed."""
    form = YearForm(prefix="year")
    if form.validate_on_submit():
        try:
            holidays, workdays = parse_year_list(form.listing.data)
            import_year(form.year.data, holidays, workdays, current_user.id)
            changed = recompute_open_deadlines()
        except ValueError as exc:
            db.session.rollback()
            form.listing.errors.append(str(exc))
        else:
            flash(f"{form.year.data} 年安排已录入，{changed} 个期限已重新计算。", "success")
            return redirect(url_for("calendar_admin.index"))
    return _page(DayForm(prefix="day"), form, 422)
