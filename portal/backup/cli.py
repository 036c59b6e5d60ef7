"""``portal backup`` and ``portal restore``: the operator's commands (messages in Chinese)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.backup.archive import ArchiveError
from portal.backup.restore import execute_restore, plan_restore, refusal_for_data
from portal.backup.services import BackupError, create_backup, default_path
from portal.extensions import db


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


@click.command("backup")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Archive to write (default: instance/backups/portal-<UTC time>.tar.gz).")
@with_appcontext
def backup_command(output: Path | None) -> None:
    """Write a consistent snapshot of the database and the uploaded files to one archive."""
    target = output or default_path(current_app.instance_path)
    try:
        report = create_backup(target)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    rows = sum(report.rows.values())
    click.echo(f"备份已写入 {report.path}（{_megabytes(report.size)}，用时 {report.seconds:.1f} 秒）。")
    click.echo(f"  数据库结构版本 {report.revision}；{len(report.rows)} 张表共 {rows} 行；"
               f"上传文件 {report.files} 个（{_megabytes(report.file_bytes)}）。")
    click.echo(f"  SHA-256: {report.sha256}")
    click.echo("  请把上面的 SHA-256 另行记录。备份含个人信息和密码散列（文件权限 0600），"
               "不含 SECRET_KEY；复制到其他介质前请加密保存。")


def _database_label() -> str:
    return db.engine.url.render_as_string(hide_password=True)


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--replace", is_flag=True, help="Delete every row of a non-empty database and replace it.")
@with_appcontext
def restore_command(path: Path, yes: bool, replace: bool) -> None:
    """Restore an archive into an empty database, rebuild the search index, verify the audit chain."""
    click.echo(f"正在校验备份文件 {path} …")
    try:
        plan = plan_restore(path)
    except (BackupError, ArchiveError) as exc:
        raise click.ClickException(f"{exc} 数据库未做任何改动。") from None
    click.echo(f"校验通过：备份于 {plan.meta['created_at']}（来源 {plan.meta['source_dialect']}），"
               f"{len(plan.manifest['tables'])} 张表共 {plan.total_rows} 行，"
               f"上传文件 {plan.manifest.get('files', 0)} 个；所有成员的 SHA-256 均一致，"
               "每个上传文件都与其名称和数据记录中的 SHA-256 相符。")
    if plan.target.tables_with_rows and not replace:
        raise click.ClickException(refusal_for_data(plan.target))
    if not yes:
        question = f"将把该备份恢复到数据库 {_database_label()}。"
        if plan.target.tables_with_rows:
            question += f"目标数据库现有的全部数据（{len(plan.target.tables_with_rows)} 张表）将被删除并替换！"
        click.confirm(question + "继续吗？", abort=True)
    try:
        report = execute_restore(plan, replace=replace)
    except (BackupError, ArchiveError) as exc:
        raise click.ClickException(f"{exc} 恢复已撤销，未写入任何数据。") from None
    if report.created_schema:
        click.echo("目标数据库原来没有表：已按迁移脚本建好结构。")
    click.echo(f"恢复完成：{len(report.rows)} 张表共 {sum(report.rows.values())} 行，"
               f"上传文件 {report.files} 个，用时 {report.seconds:.1f} 秒"
               f"（载入 {report.phases['load']:.1f}，重建索引 {report.phases['index']:.1f}，"
               f"审计校验 {report.phases['audit']:.1f}）。")
    click.echo(f"搜索索引已重建：{report.search_documents} 篇公开文档。")
    if report.audit.ok:
        click.echo(f"审计日志完整：共 {report.audit.checked} 条，链接全部有效。")
        return
    click.echo(f"数据已恢复，但审计日志校验未通过：{report.audit.problem}"
               f"（此前 {report.audit.checked} 条有效）。请核查备份来源。", err=True)
    sys.exit(1)
