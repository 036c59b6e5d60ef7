"""Section 三 of the annual report: applications by applicant kind and result, computed.

Pure over plain rows: ``(applicant_type, org_kind, received_on, closed_on, reply_type,
reply_sub_reason)``. Columns are 自然人, the five kinds of 法人或其他组织, and 总计.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

COLUMNS = [("person", "自然人"), ("business", "商业企业"), ("research", "科研机构"),
           ("nonprofit", "社会公益组织"), ("legal", "法律服务机构"), ("other", "其他"), ("total", "总计")]

# (key, label) in the report's order; result keys are "type" or "type:sub".
ROWS = [
    ("new", "一、本年新收政府信息公开申请数量"),
    ("carried_in", "二、上年结转政府信息公开申请数量"),
    ("disclosed", "三、本年度办理结果 （一）予以公开"),
    ("partly", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    *[(f"withheld:{i}", f"（三）不予公开 {i}.{label}") for i, label in enumerate(
        ["属于国家秘密", "其他法律行政法规禁止公开", "危及“三安全一稳定”", "保护第三方合法权益",
         "属于三类内部事务信息", "属于四类过程性信息", "属于行政执法案卷", "属于行政查询事项"], 1)],
    *[(f"unavailable:{i}", f"（四）无法提供 {i}.{label}") for i, label in enumerate(
        ["本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确"], 1)],
    *[(f"not-processed:{i}", f"（五）不予处理 {i}.{label}") for i, label in enumerate(
        ["信访举报投诉类申请", "重复申请", "要求提供公开出版物", "无正当理由大量反复申请",
         "要求行政机关确认或重新出具已获取信息"], 1)],
    *[(f"other:{i}", f"（六）其他处理 {i}.{label}") for i, label in enumerate(
        ["申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
         "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
         "其他"], 1)],
    ("results_total", "（七）总计"),
    ("carried_out", "四、结转下年度继续办理"),
]
RESULT_KEYS = [key for key, _ in ROWS[2:-2]]


@dataclass(frozen=True)
class Application:
    """What section 三 needs of one request."""

    applicant_type: str
    org_kind: str | None
    received_on: date
    closed_on: date | None
    reply_type: str | None
    reply_sub_reason: str | None


def _column(app: Application) -> str:
    if app.applicant_type == "person":
        return "person"
    return app.org_kind if app.org_kind in {"business", "research", "nonprofit", "legal"} else "other"


def _result_key(app: Application) -> str:
    if app.reply_type in ("disclosed", "partly"):
        return app.reply_type
    key = f"{app.reply_type}:{app.reply_sub_reason}"
    return key if key in RESULT_KEYS else "other:3"


@dataclass(frozen=True)
class SectionThree:
    """The computed table: ``cells[row][column]`` and whether 一 + 二 = (七) + 四 holds."""

    year: int
    cells: dict[str, dict[str, int]]

    @property
    def balanced(self) -> bool:
        """The format's own check, column by column."""
        c = self.cells
        return all(c["new"][col] + c["carried_in"][col] == c["results_total"][col] + c["carried_out"][col]
                   for col, _ in COLUMNS)


def section_three(year: int, applications: Iterable[Application]) -> SectionThree:
    """Count every request of ``year`` into its row and column (and the 总计 column)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    cells = {key: {col: 0 for col, _ in COLUMNS} for key, _ in ROWS}

    def add(row: str, app: Application) -> None:
        cells[row][_column(app)] += 1
        cells[row]["total"] += 1

    for app in applications:
        if app.received_on > end or (app.closed_on is not None and app.closed_on < start):
            continue
        add("new" if app.received_on >= start else "carried_in", app)
        if app.closed_on is not None and app.closed_on <= end:
            add(_result_key(app), app)
            add("results_total", app)
        else:
            add("carried_out", app)
    return SectionThree(year, cells)
