"""``portal audit verify``: check that no audit row was altered or removed."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from portal.audit.chain import verify


@click.group("audit")
def audit_group() -> None:
    """The append-only audit log."""


@audit_group.command("verify")
@with_appcontext
def verify_command() -> None:
    """Walk the hash chain; exit 1 and name the first broken link if any."""
    verdict = verify()
    if verdict.ok:
        click.echo(f"审计日志完整：共 {verdict.checked} 条，链接全部有效。")
        return
    click.echo(f"审计日志被篡改：{verdict.problem}（此前 {verdict.checked} 条有效）。", err=True)
    sys.exit(1)
