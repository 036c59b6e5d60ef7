"""``portal appointments``: the day-before reminders and the erasure of expired personal data.

Both are meant to run periodically (e.g. hourly from cron); each run does what is due and is
safe to repeat.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.appointments.housekeeping import erase_expired, send_reminders
from portal.core.timefmt import local_today
from portal.extensions import db
from portal.joblock import one_runner_at_a_time


@click.group("appointments")
def appointments_group() -> None:
    """Appointment reminders and the erasure of personal data past retention."""


@appointments_group.command("remind")
@with_appcontext
@one_runner_at_a_time("appointments remind")
def remind_command() -> None:
    """Queue an e-mail reminder for every booking of the next working day that has an address."""
    count = send_reminders(local_today())
    db.session.commit()
    click.echo(f"已排队发送 {count} 条预约提醒。")


@appointments_group.command("purge")
@with_appcontext
@one_runner_at_a_time("appointments purge")
def purge_command() -> None:
    """Erase name, ID number, mobile and e-mail of bookings past the retention period (audited)."""
    days = current_app.config["APPOINTMENT_RETENTION_DAYS"]
    count = erase_expired(local_today(), days)
    db.session.commit()
    click.echo(f"已删除 {count} 条预约的个人信息（保留期 {days} 天）。")
