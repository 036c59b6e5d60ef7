"""``portal calendar``: maintain the working-day calendar from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from portal.calendar.services import import_year, parse_year_list, set_day
from portal.extensions import db


@click.group("calendar")
def calendar_group() -> None:
    """Holidays and make-up working days (调休) beyond the official package."""


@calendar_group.command("set")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--holiday/--workday", required=True, help="Mark the date a holiday or a working day.")
@click.option("--note", default="", help="Why (e.g. 国务院办公厅通知).")
@with_appcontext
def set_command(day, holiday: bool, note: str) -> None:
    """Mark DAY as a holiday or a working day; open deadlines are recomputed."""
    set_day(day.date(), not holiday, note, user_id=None)
    db.session.commit()
    click.echo(f"{day.date().isoformat()} 已设为{'节假日' if holiday else '工作日'}。")


@calendar_group.command("import")
@click.argument("year", type=int)
@click.argument("listing", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(year: int, listing: Path) -> None:
    """Enter YEAR's official list from LISTING: lines "YYYY-MM-DD holiday|workday"."""
    try:
        holidays, workdays = parse_year_list(listing.read_text(encoding="utf-8"))
        changed = import_year(year, holidays, workdays, user_id=None)
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
    from portal.calendar.services import load_calendar
    from portal.core.workdays import CalendarGap

    try:
        workday = load_calendar().is_workday(day.date())
    except CalendarGap as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{day.date().isoformat()}：{'工作日' if workday else '休息日'}")
