"""The dashboard's further trends: reply-type mix, satisfaction per month, figures per department.

Same window as the monthly trends (:func:`portal.oversight.queries.trend_start`). A matter counts
where it was closed (replied, not accepted, transferred, withdrawn) in the window: its reply type
or outcome, its rating and its department come from one GROUP BY per kind over the matters closed
in the window joined to the kind's own table, grouped by month in SQL; only received counts come
from a second, index-only GROUP BY over ``ix_matters_kind_received``. Python adds up at most a
few thousand grouped rows, never one row per matter.

The join to the kind's own table is the costly part at a million matters (see README "Oversight at
scale"), so :func:`dashboard` keeps its result per process until the content generation changes
(any change to the matters on any machine, :mod:`portal.public_content`) or for
:data:`MEMO_SECONDS` at most: a supervisor never sees figures older than the latest write.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import case, func, select

from portal.complaints.models import DECISIONS, OUTCOMES, Complaint
from portal.disclosure.models import DisclosureRequest
from portal.disclosure.replies import REPLY_TYPES
from portal.extensions import db
from portal.matters.labels import KIND_LABELS
from portal.matters.models import Matter
from portal.oversight.charts import Chart, HorizontalChart, grouped_bars, horizontal_bars
from portal.oversight.performance import SATISFIED, Figures, share
from portal.oversight.queries import department_names, trend_start
from portal.public_content import content_generation

MEMO_SECONDS = 60
UNRECORDED = "未记录（如撤回）"
RATING_CODES = ("satisfied", "fair", "unsatisfied")


@dataclass(frozen=True)
class MixRow:
    """How many matters closed in the window got one reply type (or complaint outcome)."""

    code: str
    label: str
    count: int


@dataclass
class MonthSatisfaction:
    """Ratings of the matters closed in one month, by rating."""

    month: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RATING_CODES, 0))

    @property
    def rated(self) -> int:
        """How many ratings were given."""
        return sum(self.counts.values())

    @property
    def satisfied(self) -> int:
        """How many were 满意 or 基本满意."""
        return sum(self.counts[code] for code in SATISFIED)

    @property
    def share(self) -> str:
        """Share of ratings that were 满意 or 基本满意."""
        return share(self.satisfied, self.rated)


@dataclass(frozen=True)
class DepartmentRow:
    """One department's matters of one kind in the window (its ``late``: closed after the due date)."""

    name: str
    figures: Figures

    @property
    def late(self) -> int:
        """Closed after their due date (or with none), as in the monthly trends."""
        return self.figures.closed - self.figures.on_time


@dataclass(frozen=True)
class KindTrends:
    """Everything the partial shows for one kind of matter, with its charts."""

    label: str
    mix: list[MixRow]
    mix_chart: HorizontalChart
    months: list[MonthSatisfaction]
    satisfaction_chart: Chart
    departments: list[DepartmentRow]
    department_chart: HorizontalChart  # received per department


def _month(column):
    """SQL: ``YYYY-MM`` of a date column, on PostgreSQL and on SQLite."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _result_column(kind: str):
    if kind == "request":
        return DisclosureRequest, DisclosureRequest.reply_type
    return Complaint, func.coalesce(Complaint.outcome, Complaint.decision)


def _labels(kind: str) -> dict[str, str]:
    if kind == "request":
        return {code: t.label for code, t in REPLY_TYPES.items()}
    return OUTCOMES | {code: label for code, label in DECISIONS.items() if code != "accepted"}


def kind_trends(kind: str, today: date, months: int = 12) -> KindTrends:
    """Reply-type mix, satisfaction per month and per-department figures of one kind."""
    since = trend_start(today, months)
    detail, result = _result_column(kind)
    month = _month(Matter.closed_on)
    in_time = func.sum(case((Matter.closed_on <= Matter.due_on, 1), else_=0))
    mix: dict[str | None, int] = {}
    by_month: dict[str, MonthSatisfaction] = {}
    departments: dict[int, Figures] = {}
    for when, department, code, rating, count, on_time in db.session.execute(
            select(month, Matter.department_id, result, detail.rating, func.count(), in_time)
            .join(detail, detail.matter_id == Matter.id)
            .where(Matter.kind == kind, Matter.closed_on >= since)
            .group_by(month, Matter.department_id, result, detail.rating)):
        mix[code] = mix.get(code, 0) + count
        figures = departments.setdefault(department, Figures())
        figures.closed += count
        figures.on_time += int(on_time or 0)
        ratings = by_month.setdefault(when, MonthSatisfaction(when))
        if rating in RATING_CODES:
            ratings.counts[rating] += count
            figures.rated += count
            figures.satisfied += count if rating in SATISFIED else 0
    for department, count in db.session.execute(
            select(Matter.department_id, func.count())
            .where(Matter.kind == kind, Matter.received_on >= since).group_by(Matter.department_id)):
        departments.setdefault(department, Figures()).received = count
    names = department_names()
    by_department = sorted((DepartmentRow(names.get(key, ""), figures) for key, figures in departments.items()),
                           key=lambda d: (-d.figures.received, -d.figures.closed, d.name))
    labels = _labels(kind)
    rows = [MixRow(code, label, mix[code]) for code, label in labels.items() if mix.get(code)]
    rows += [MixRow(code or "", UNRECORDED if code is None else code, n)
             for code, n in mix.items() if code not in labels and n]
    ordered = [by_month[key] for key in sorted(by_month)]
    chart = grouped_bars([m.month for m in ordered], [
        ("评价数", "bar-received", [m.rated for m in ordered]),
        ("满意或基本满意", "bar-ontime", [m.satisfied for m in ordered]),
    ])
    return KindTrends(KIND_LABELS[kind], rows, horizontal_bars([(r.label, r.count) for r in rows]),
                      ordered, chart, by_department,
                      horizontal_bars([(d.name, d.figures.received) for d in by_department]))


_memo: dict[tuple[str, date], tuple[int, float, list[KindTrends]]] = {}
_memo_lock = threading.Lock()


def dashboard(today: date) -> list[KindTrends]:
    """The further trends of every kind, in the order of :data:`KIND_LABELS`, computed again
    after any change to the matters (the content generation) or :data:`MEMO_SECONDS`."""
    generation = content_generation()
    if generation is None:
        return [kind_trends(kind, today) for kind in KIND_LABELS]
    key = (current_app.instance_path, today)
    with _memo_lock:
        hit = _memo.get(key)
    if hit is not None and hit[0] == generation and hit[1] > time.monotonic():
        return hit[2]
    value = [kind_trends(kind, today) for kind in KIND_LABELS]
    with _memo_lock:
        if len(_memo) > 8:
            _memo.clear()
        _memo[key] = (generation, time.monotonic() + MEMO_SECONDS, value)
    return value
