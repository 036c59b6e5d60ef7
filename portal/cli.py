"""The ``portal`` command: Flask's CLI with the app loaded, plus the portal's own commands."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.accounts.services import AccountError, create_user
from portal.extensions import db
from portal.seed.content import ContentError, load_content

DEMO_ACCOUNTS = (
    ("staff", Role.STAFF, "huzheng", "户政民警（演示）"),
    ("supervisor", Role.SUPERVISOR, "gongkaiban", "公开办负责人（演示）"),
    ("admin", Role.ADMIN, None, "系统管理员（演示）"),
)


def _load_content() -> None:
    content_dir = Path(current_app.config["CONTENT_DIR"])
    try:
        report = load_content(content_dir)
    except ContentError as exc:
        db.session.rollback()
        click.echo("内容有误，未导入任何内容：", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(
        f"内容已导入：办事指南 {report.guides_total} 项（本次变更 {len(report.guides_changed)} 项），"
        f"公告变更 {len(report.notices_changed)} 条，部门/分类变更 {report.site_changes} 项。"
    )


def _demo_accounts() -> None:
    accounts_file = Path(current_app.instance_path) / "demo-accounts.txt"
    lines = []
    for username, role, department, name in DEMO_ACCOUNTS:
        if db.session.scalar(select(User.id).where(User.username == username)):
            continue
        password = secrets.token_urlsafe(9)
        create_user(username, password, role, department, display_name=name,
                    email=f"{username}@portal.example.gov.cn")
        lines.append(f"{username}\t{password}\t{role.label}")
    from portal.seed.appointments import create_demo_halls
    from portal.seed.demo import create_demo_matters
    from portal.seed.demo_penalties import create_demo_penalties
    from portal.seed.questions import create_demo_questions

    numbers = create_demo_matters()
    numbers += create_demo_questions()

    numbers += create_demo_penalties()
    create_demo_halls()
    db.session.commit()
    if numbers:
        click.echo(f"演示事项：{'、'.join(numbers)}")
    if lines:
        with accounts_file.open("a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        accounts_file.chmod(0o600)
    if accounts_file.exists():
        click.echo(f"演示账号（用户名、密码、角色；保存在 {accounts_file}）：")
        click.echo(accounts_file.read_text(encoding="utf-8").rstrip())


@click.command("init")
@click.option("--demo", is_flag=True, help="Also create one demo account per role.")
@with_appcontext
def init_command(demo: bool) -> None:
    """Upgrade the database to the newest migration and load content/."""
    upgrade()
    _load_content()
    if demo:
        _demo_accounts()


@click.command("load-content")
@with_appcontext
def load_content_command() -> None:
    """Load guides, notices, departments and categories from content/ (idempotent)."""
    _load_content()


@click.group("users")
def users_group() -> None:
    """Manage staff accounts."""


@users_group.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--department", "department_code", help="Department code (required for staff).")
@click.option("--name", "display_name", default="", help="Name shown in the back office.")
@click.option("--email", default="", help="Address for work alerts (assignments, approvals).")
@with_appcontext
def users_create(username: str, role: str, department_code: str | None, display_name: str,
                 email: str) -> None:
    """Create a user; the password is read from standard input."""
    if sys.stdin.isatty():
        password = click.prompt("密码", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        create_user(username, password, Role(role), department_code, display_name, email)
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"已创建用户 {username}（{Role(role).label}）。")


def register_commands(app) -> None:
    """Attach the portal's commands to ``app.cli``."""
    from portal.annual.cli import annual_report_command
    from portal.appointments.cli import appointments_group
    from portal.audit.cli import audit_group
    from portal.backup.cli import backup_command, restore_command
    from portal.calendar.cli import calendar_group
    from portal.disclosure.lapses import requests_group
    from portal.inspection.cli import inspect_command
    from portal.outbox.cli import outbox_group
    from portal.oversight.sweep import deadlines_group
    from portal.penalties.cli import penalties_cli
    from portal.search.cli import reindex_command

    for command in (init_command, load_content_command, users_group, outbox_group,
                    calendar_group, requests_group, audit_group, deadlines_group, reindex_command,
                    annual_report_command, backup_command, restore_command, appointments_group,
                    penalties_cli, inspect_command):
        app.cli.add_command(command)
