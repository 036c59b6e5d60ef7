"""``portal audit verify`` and ``portal audit checkpoint``: check the chain, anchor its head."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from portal.audit.chain import parse_checkpoint, verify
from portal.audit.checkpoints import ChainBroken, take_checkpoint
from portal.joblock import one_runner_at_a_time


@click.group("audit")
def audit_group() -> None:
    """The append-only audit log."""


def _checkpoint_option(_ctx, _param, values: tuple[str, ...]):
    try:
        return [parse_checkpoint(value) for value in values]
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@audit_group.command("verify")
@click.option("--checkpoint", "kept", multiple=True, metavar="SEQ:HASH", callback=_checkpoint_option,
              help="A published checkpoint kept outside the database (repeatable).")
@with_appcontext
def verify_command(kept) -> None:
    """Walk the hash chain; exit 1 naming the first broken row and the kind of break."""
    verdict = verify(kept)
    if verdict.ok:
        against = f"，与 {len(kept)} 个给定检查点一致" if kept else ""
        click.echo(f"审计日志完整：共 {verdict.checked} 条，链接全部有效{against}。"
                   f" (audit log intact: {verdict.checked} rows)")
        return
    click.echo(f"审计日志被篡改：{verdict.problem}（此前 {verdict.checked} 条有效）。"
               f" (audit log broken at seq {verdict.broken_at}: {verdict.kind})", err=True)
    sys.exit(1)


@audit_group.command("checkpoint")
@with_appcontext
@one_runner_at_a_time("audit checkpoint")
def checkpoint_command() -> None:
    """Record today's checkpoint of the chain head (once a day; run it daily from cron; one
    machine at a time, the others skip)."""
    _checkpoint()


def _checkpoint() -> None:
    try:
        outcome = take_checkpoint()
    except ChainBroken as exc:
        click.echo(f"审计日志被篡改，未记录检查点：{exc.verdict.problem}。"
                   f" (no checkpoint: broken at seq {exc.verdict.broken_at}: {exc.verdict.kind})",
                   err=True)
        sys.exit(1)
    checkpoint = outcome.checkpoint
    said = "已记录" if outcome.created else "今日已有检查点"
    click.echo(f"{said}：{checkpoint.day.isoformat()} 共 {checkpoint.row_count} 条，"
               f"链头 第 {checkpoint.seq} 条。请另行保存：")
    click.echo(f"{checkpoint.seq}:{checkpoint.head_hash}")
