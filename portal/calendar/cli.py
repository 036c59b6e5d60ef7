"""``portal calendar``: maintain the working-day calendar from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from portal.calendar.services import import_year, load_calendar, parse_year_list, set_day
from portal.extensions import db
from portal.matters.services import recompute_open_deadlines


@click.group("calendar")
def calendar_group() -> None:
    """Holidays and make-up working days (调休) beyond the official package."""


@calendar_group.command("set")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("kind", required=False, type=click.Choice(["holiday", "workday"]))
@click.option("--holiday/--workday", default=None, help="Same as KIND: mark the date a holiday or a working day.")
@click.option("--note", default="", help="Why (e.g. 国务院办公厅通知).")
@with_appcontext
def set_command(day, kind: str | None, holiday: bool | None, note: str) -> None:
    """Mark DAY as a holiday or a working day (KIND: holiday|workday); open deadlines are recomputed."""
    if (kind is None) == (holiday is None):
        raise click.UsageError("请注明 holiday（节假日）或 workday（工作日），二者选一。")
    if kind is not None:
        holiday = kind == "holiday"
    day = day.date()
    covered = load_calendar().covers(day.year)
    set_day(day, not holiday, note, user_id=None)
    changed = recompute_open_deadlines()
    db.session.commit()
    click.echo(f"{day.isoformat()} 已设为{'节假日' if holiday else '工作日'}，已保存；"
               f"重新计算了 {changed} 个未办结事项的期限。")
    if not covered:
        click.echo(f"警告：{day.year} 年没有官方节假日安排（软件包未包含，也未用 portal calendar import 录入）。"
                   f"这一天的调整已单独保存并优先适用，但 {day.year} 年其余日期仍按周末和法定节假日暂定推算，"
                   "落入该年的期限仍标为暂定；收到国务院办公厅的放假通知后请录入全年安排。", err=True)


@calendar_group.command("import")
@click.argument("year", type=int)
@click.argument("listing", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(year: int, listing: Path) -> None:
    """Enter YEAR's official list from LISTING: lines "YYYY-MM-DD holiday|workday"."""
    try:
        holidays, workdays = parse_year_list(listing.read_text(encoding="utf-8"))
        import_year(year, holidays, workdays, user_id=None)
        changed = recompute_open_deadlines()
    except ValueError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"{year} 年已录入：节假日 {len(holidays)} 天，调休上班 {len(workdays)} 天；"
               f"重新计算了 {changed} 个未办结事项的期限。")


@calendar_group.command("check")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@with_appcontext
def check_command(day) -> None:
    """Say whether DAY is a working day in the calendar in force."""
    from portal.core.workdays import CalendarGap

    try:
        workday = load_calendar().is_workday(day.date())
    except CalendarGap as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{day.date().isoformat()}：{'工作日' if workday else '休息日'}")
