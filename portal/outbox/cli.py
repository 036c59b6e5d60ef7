"""``portal outbox send``: the worker that delivers due outbox messages over SMTP."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db
from portal.joblock import single_runner, skipped
from portal.outbox.mailer import SmtpSender
from portal.outbox.services import DeliveryReport, deliver_due


def _summary(report: DeliveryReport) -> str:
    return f"已发送 {report.sent} 封，失败 {report.failed} 封，放弃 {report.gave_up} 封"


def _round(sender: SmtpSender, batch: int) -> DeliveryReport:
    """One batch, unless another process (on any machine) is sending one right now."""
    with single_runner("outbox-send") as mine:
        return deliver_due(sender, batch=batch) if mine else DeliveryReport()


@click.group("outbox")
def outbox_group() -> None:
    """Deliver queued e-mail to citizens and staff."""


@outbox_group.command("send")
@click.option("--once/--loop", default=True, show_default=True,
              help="One batch and exit, or keep polling until interrupted (Ctrl-C).")
@click.option("--interval", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Seconds between polls with --loop.")
@click.option("--batch", type=click.IntRange(min=1), default=50, show_default=True,
              help="Most messages claimed per round.")
@with_appcontext
def send_command(once: bool, interval: float, batch: int) -> None:
    """Send due messages with the app's SMTP settings and print a summary."""
    try:
        sender = SmtpSender.from_config(current_app.config)
    except ValueError as exc:
        raise click.ClickException(f"邮件设置有误：{exc}") from None
    if once:
        with single_runner("outbox-send") as mine:
            if not mine:
                skipped("outbox send")
                return
            click.echo(_summary(deliver_due(sender, batch=batch)))
        return
    click.echo(f"每 {interval:g} 秒检查一次待发邮件，按 Ctrl-C 停止。")
    try:
        while True:
            try:
                report = _round(sender, batch)
            except SQLAlchemyError as exc:  # database restarting: keep the worker alive
                db.session.rollback()
                click.echo(f"数据库错误，稍后重试：{type(exc).__name__}", err=True)
                report = DeliveryReport()
            if report != DeliveryReport():
                click.echo(_summary(report))
            if report.sent + report.failed + report.gave_up < batch:
                time.sleep(interval)  # a full batch means more may be due: go again at once
    except KeyboardInterrupt:
        click.echo("已停止。")
