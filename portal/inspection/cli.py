"""``portal inspect``: run the self-inspection, store it and print the result in Chinese.

The exit status is 0 when the site is 合格 and 1 when it is 不合格 (a single-veto finding, or a
score under the pass mark), so cron or a monitor can alert on it. One machine at a time: a second
run started meanwhile skips (and exits 0).
"""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.core.timefmt import local_today
from portal.extensions import db
from portal.inspection.models import InspectionRun
from portal.inspection.runs import LOCK_NAME, run_inspection
from portal.inspection.scoring import CHECKS
from portal.joblock import single_runner, skipped


def report_lines(run: InspectionRun) -> list[str]:
    """The run as printed: the verdict and score first, then each finding (single veto first)."""
    verdict = "合格" if run.passed else "不合格"
    lines = [f"自查结果：{verdict}，得分 {run.score}"
             + ("（存在单项否决问题）" if run.vetoed else "")
             + (f"；检查页面 {run.pages_crawled} 个" if run.crawled else "；未检查链接（--no-crawl）")
             + f"；发现问题 {len(run.findings)} 个，其中新发现 {sum(f.is_new for f in run.findings)} 个。"]
    for finding in run.findings:
        severity = CHECKS[finding.check_id].severity
        lines.append(f"- [{severity}] {finding.title}：{finding.item}{'（新）' if finding.is_new else ''}"
                     f" —— {finding.details} {finding.link} [{finding.check_id}]")
    return lines


@click.command("inspect")
@click.option("--no-crawl", "no_crawl", is_flag=True, help="Data checks only; do not crawl the public pages.")
@with_appcontext
def inspect_command(no_crawl: bool) -> None:
    """Run the self-inspection (data checks and a crawl of the public pages), store it and print it;
    exit 1 when the site is 不合格 (one machine at a time: a second run meanwhile skips)."""
    with single_runner(LOCK_NAME) as mine:
        if not mine:
            skipped("inspect")
            return
        with current_app.test_request_context("/"):
            run = run_inspection(local_today(), "command", not no_crawl)
            db.session.commit()
            for line in report_lines(run):
                click.echo(line)
            passed = run.passed
    if not passed:
        sys.exit(1)
