"""Building, saving, exporting and publishing the annual report."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from portal.accounts.models import Department
from portal.annual.models import AnnualReport
from portal.annual.table import COLUMNS, ROWS, Application, SectionThree, section_three
from portal.audit.services import record
from portal.core.errors import FieldError
from portal.core.timefmt import local_today, utcnow
from portal.disclosure.models import DisclosureRequest
from portal.extensions import db
from portal.matters.models import Matter
from portal.notices.services import publish_notice, save_notice

REVIEW_COLUMNS = [("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"),
                  ("pending", "尚未审结"), ("total", "总计")]
REVIEW_GROUPS = [("review", "行政复议"), ("litigation_direct", "行政诉讼（未经复议直接起诉）"),
                 ("litigation_after", "行政诉讼（复议后起诉）")]
PROACTIVE_ITEMS = [("rules_made", "本年制发规章件数"), ("rules_repealed", "本年废止规章件数"),
                   ("rules_in_force", "现行有效规章件数"), ("norms_made", "本年制发规范性文件件数"),
                   ("norms_repealed", "本年废止规范性文件件数"), ("norms_in_force", "现行有效规范性文件件数"),
                   ("licences", "行政许可处理决定数量"), ("penalties", "行政处罚处理决定数量"),
                   ("coercive", "行政强制处理决定数量"), ("fees_collected", "行政事业性收费金额（万元）")]


def applications() -> list[Application]:
    """Every request as the plain row section 三 counts."""
    rows = db.session.execute(
        select(DisclosureRequest.applicant_type, DisclosureRequest.org_kind, Matter.received_on,
               Matter.closed_on, DisclosureRequest.reply_type, DisclosureRequest.reply_sub_reason)
        .join(Matter, Matter.id == DisclosureRequest.matter_id))
    return [Application(*row) for row in rows]


def build(year: int) -> SectionThree:
    """Section 三 of ``year`` from the data."""
    return section_three(year, applications())


def published_table(report) -> SectionThree:
    """Section 三 as it was approved and published (computed anew for a report approved before
    the table was kept)."""
    return SectionThree(report.year, report.approved_cells) if report.approved_cells else build(report.year)


def report_for(year: int) -> AnnualReport:
    """The year's stored parts (created empty on first use)."""
    report = db.session.get(AnnualReport, year)
    if report is None:
        report = AnnualReport(year=year, proactive={}, review_litigation={})
        db.session.add(report)
        db.session.flush()
    return report


def table_csv(table: SectionThree) -> str:
    """Section 三 as CSV (UTF-8 with BOM so spreadsheet programs read the Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["项目", *(label for _, label in COLUMNS)])
    for key, label in ROWS:
        writer.writerow([label, *(table.cells[key][col] for col, _ in COLUMNS)])
    return "\ufeff" + out.getvalue()


def _markdown(report: AnnualReport, table: SectionThree) -> str:
    lines = [f"## 一、总体情况\n\n{report.overview}\n", "## 二、主动公开政府信息情况\n",
             "| 项目 | 数量 |", "|---|---|"]
    lines += [f"| {label} | {report.proactive.get(key, 0)} |" for key, label in PROACTIVE_ITEMS]
    lines += ["", "## 三、收到和处理政府信息公开申请情况\n",
              "| 项目 | " + " | ".join(label for _, label in COLUMNS) + " |",
              "|---" * (len(COLUMNS) + 1) + "|"]
    lines += ["| " + label + " | " + " | ".join(str(table.cells[key][col]) for col, _ in COLUMNS) + " |"
              for key, label in ROWS]
    lines += ["", "## 四、政府信息公开行政复议、行政诉讼情况\n",
              "| 类别 | " + " | ".join(label for _, label in REVIEW_COLUMNS) + " |",
              "|---" * (len(REVIEW_COLUMNS) + 1) + "|"]
    lines += ["| " + label + " | " + " | ".join(
        str(report.review_litigation.get(f"{group}.{col}", 0)) for col, _ in REVIEW_COLUMNS) + " |"
        for group, label in REVIEW_GROUPS]
    lines += ["", f"## 五、存在的主要问题及改进情况\n\n{report.problems}\n",
              f"## 六、其他需要报告的事项\n\n{report.other_matters}\n"]
    return "\n".join(lines)


def year_ended(year: int) -> bool:
    """True once ``year`` is over: only then do its figures stand and may its report be published."""
    return year < local_today().year


def approve_and_publish(year: int, supervisor_id: int) -> int:
    """Approve the report and publish it as a notice; refuses an unbalanced table or an open year."""
    if not year_ended(year):
        raise FieldError("year", f"{year}年尚未结束，年度报告现在只能预览，{year + 1}年1月1日起方可发布。")
    report, table = report_for(year), build(year)
    if not table.balanced:
        raise FieldError("table", "第三部分表格不平衡（一 + 二 ≠ (七) + 四），不能发布。")
    if not report.overview.strip():
        raise FieldError("overview", "请先填写“一、总体情况”。")
    office = db.session.scalar(select(Department.id).where(Department.code == "gongkaiban"))
    if office is None:
        raise FieldError("department", "找不到政务公开办公室，无法发布年度报告。")
    notice = save_notice(None, title=f"{year}年政府信息公开工作年度报告", kind="通知公告",
                         body_md=_markdown(report, table), department_id=office,
                         review_due_on=None, author_id=supervisor_id)
    publish_notice(notice, author_id=supervisor_id)
    report.approved_by_id, report.approved_at, report.notice_id = supervisor_id, utcnow(), notice.id
    report.approved_cells = table.cells
    record("annual_report.publish", user_id=supervisor_id, target_type="annual_report",
           target_id=year, detail={"notice_id": notice.id})
    return notice.id
