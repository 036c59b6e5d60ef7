"""What a finding is, the checks that produce findings, and the score of a set of findings.

Pure (no Flask, no database), in the spirit of the national inspection of government websites
(国办秘函〔2019〕19号): some problems fail the site outright (单项否决), the others cost points.
A run starts at :data:`FULL_SCORE`; each finding of a deducting check costs its points, and each
check costs at most its cap. Any single-veto finding makes the verdict 不合格 whatever the score;
otherwise the site passes with at least :data:`PASS_SCORE`. docs/rules.md gives the scheme.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

FULL_SCORE = 100
PASS_SCORE = 60
VETO = "单项否决"
DEDUCT = "扣分"


@dataclass(frozen=True)
class Check:
    """One kind of problem: its title, whether it vetoes, points per finding and the check's cap."""

    check_id: str
    title: str
    veto: bool = False
    points: int = 0
    cap: int = 0

    @property
    def severity(self) -> str:
        """单项否决 or 扣分."""
        return VETO if self.veto else DEDUCT


CHECKS: dict[str, Check] = {check.check_id: check for check in (
    Check("site-unreachable", "站点无法访问", veto=True),
    Check("column-empty", "空白栏目", veto=True),
    Check("question-unanswered-long", "互动回应差：网上咨询长期未答复", veto=True),
    Check("column-stale", "栏目更新不及时", points=5, cap=20),
    Check("question-late", "网上咨询逾期未答复", points=2, cap=10),
    Check("guide-missing-element", "办事指南要素缺失", points=2, cap=20),
    Check("guide-review-overdue", "办事指南逾期未复核", points=1, cap=10),
    Check("penalty-late-publication", "行政处罚决定未按期公开", points=2, cap=10),
    Check("penalty-late-withdrawal", "行政处罚决定未按期撤回", points=2, cap=10),
    Check("broken-link", "站内链接或下载不可用", points=1, cap=20),
)}
# Findings of these checks come only from the crawl of the public pages.
CRAWL_CHECKS = frozenset({"site-unreachable", "broken-link"})


@dataclass(frozen=True)
class Finding:
    """One problem: which check, which item (``item_key`` is stable across runs), where, and why."""

    check_id: str
    item_key: str
    item: str
    link: str
    details: str

    @property
    def check(self) -> Check:
        """The check that found it."""
        return CHECKS[self.check_id]

    @property
    def key(self) -> str:
        """The same problem has the same key in every run: ``check id:item key``."""
        return f"{self.check_id}:{self.item_key}"


@dataclass(frozen=True)
class Score:
    """The result of a set of findings."""

    score: int
    vetoed: bool
    deductions: dict[str, int]

    @property
    def passed(self) -> bool:
        """合格: no single-veto finding and at least :data:`PASS_SCORE` points."""
        return not self.vetoed and self.score >= PASS_SCORE

    @property
    def verdict(self) -> str:
        """合格 or 不合格."""
        return "合格" if self.passed else "不合格"


def score(check_ids: Iterable[str]) -> Score:
    """Score the findings whose checks are ``check_ids`` (one id per finding)."""
    counts = Counter(check_ids)
    deductions = {check_id: min(CHECKS[check_id].cap, CHECKS[check_id].points * n)
                  for check_id, n in counts.items() if not CHECKS[check_id].veto}
    vetoed = any(CHECKS[check_id].veto for check_id in counts)
    return Score(max(0, FULL_SCORE - sum(deductions.values())), vetoed,
                 {k: v for k, v in deductions.items() if v})


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Single-veto findings first, then by check in :data:`CHECKS` order, then by item."""
    order = {check_id: n for n, check_id in enumerate(CHECKS)}
    return sorted(findings, key=lambda f: (not f.check.veto, order[f.check_id], f.item_key))
