"""Running the self-inspection and storing it, and the queries over the stored runs.

A run stores every finding with ``is_new`` set when the previous run did not have its key. The
crawl's findings are compared with the previous run that crawled (a ``--no-crawl`` run in between
does not make every broken link new again); the data findings with the previous run of any kind.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import url_for
from sqlalchemy import func, select

from portal.core.timefmt import utcnow
from portal.extensions import db
from portal.inspection.crawl import CrawlReport, crawl
from portal.inspection.data_checks import data_findings
from portal.inspection.models import InspectionFinding, InspectionRun
from portal.inspection.scoring import CHECKS, CRAWL_CHECKS, Finding, ordered, score

SHOWN_PAGES = 5
LOCK_NAME = "inspect"  # the job lock of a run: the command and the 立即自查 button take it


def crawl_findings(report: CrawlReport) -> list[Finding]:
    """The crawl's findings: the home page failing (single veto) and every broken link."""
    findings = []
    if report.home_status >= 400:
        findings.append(Finding("site-unreachable", "/", "首页", url_for("public.home"),
                                f"首页答复 {report.home_status}。"))
    for path, status in sorted(report.broken.items()):
        if path == "/":
            continue
        pages = report.found_on.get(path, [])
        shown = "、".join(pages[:SHOWN_PAGES]) + (" 等页面" if len(pages) > SHOWN_PAGES else "")
        findings.append(Finding("broken-link", path, path, pages[0] if pages else path,
                                f"答复 {status}；出现在：{shown}。" if pages else f"答复 {status}（检查起点）。"))
    return findings


def _previous_keys(crawled: bool) -> tuple[set[str], set[str]]:
    """Keys of the newest run's findings, and of the newest crawling run's findings."""
    def keys_of(run_id: int | None) -> set[str]:
        if run_id is None:
            return set()
        return set(db.session.scalars(select(InspectionFinding.key).where(InspectionFinding.run_id == run_id)))

    newest = db.session.scalar(select(func.max(InspectionRun.id)))
    newest_crawl = db.session.scalar(select(func.max(InspectionRun.id)).where(InspectionRun.crawled.is_(True)))
    return keys_of(newest), keys_of(newest_crawl) if crawled else set()


def run_inspection(today: date, trigger: str, with_crawl: bool, max_pages: int | None = None) -> InspectionRun:
    """Run the checks (the crawl first, when asked, of at most ``max_pages`` addresses: by default
    ``INSPECTION_CRAWL_MAX_PAGES``), score them and store the run (flushed, not committed)."""
    started = utcnow()
    report = crawl(max_pages) if with_crawl else None
    findings = ordered([*(crawl_findings(report) if report else []), *data_findings(today)])
    result = score(f.check_id for f in findings)
    before, before_crawl = _previous_keys(with_crawl)
    run = InspectionRun(ran_on=today, started_at=started, finished_at=utcnow(), trigger=trigger,
                        crawled=with_crawl, pages_crawled=report.requested if report else 0,
                        crawl_complete=report.complete if report else False,
                        score=result.score, vetoed=result.vetoed, passed=result.passed)
    for position, finding in enumerate(findings):
        known = before_crawl if finding.check_id in CRAWL_CHECKS else before
        run.findings.append(InspectionFinding(
            position=position, check_id=finding.check_id, key=finding.key[:400], veto=finding.check.veto,
            title=finding.check.title, item=finding.item[:300], link=finding.link[:400],
            details=finding.details, is_new=finding.key[:400] not in known))
    db.session.add(run)
    db.session.flush()
    return run


def latest_run(crawled: bool = False) -> InspectionRun | None:
    """The newest stored run (with ``crawled``: the newest that crawled the pages), or None."""
    query = select(InspectionRun).order_by(InspectionRun.id.desc()).limit(1)
    return db.session.scalar(query.where(InspectionRun.crawled.is_(True)) if crawled else query)


def open_findings(run: InspectionRun | None) -> int:
    """How many findings ``run`` left open (0 without a run)."""
    if run is None:
        return 0
    return db.session.scalar(select(func.count()).where(InspectionFinding.run_id == run.id)) or 0


def new_findings_since(today: date) -> list[InspectionFinding]:
    """The findings new in the latest run, when that run was made today or yesterday (the digest)."""
    run = latest_run()
    if run is None or run.ran_on < today - timedelta(days=1):
        return []
    return [finding for finding in run.findings if finding.is_new]


def new_finding_lines(today: date) -> list[str]:
    """The daily digest's lines for the latest run's new findings, e.g.
    ``- 网站自查 [单项否决] 空白栏目：网上咨询 /questions/``."""
    return [f"- 网站自查 [{CHECKS[f.check_id].severity}] {f.title}：{f.item} {f.link}".rstrip()
            for f in new_findings_since(today)]
