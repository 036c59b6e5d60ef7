"""Precision and recall of the personal-data detector on the labelled set.

Run ``python -m tests.unit.pii_measure`` for a table per kind and overall over both labelled
sets (numbers, cards and plates in :mod:`tests.unit.pii_labelled`; names and home addresses in
:mod:`tests.unit.pii_labelled_people`), followed by every false positive and false negative.
A finding is a true positive when its kind and its exact text match a label of the same case;
labels and findings are compared as multisets per case.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from portal.core.pii import Kind, find_personal_data
from tests.unit.pii_labelled import CASES
from tests.unit.pii_labelled_people import HELD_OUT_CASES, PEOPLE_CASES

Case = tuple[str, list[tuple[Kind, str]]]


@dataclass
class Tally:
    """True positives, false positives and false negatives for one kind (or all kinds)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """Share of reported findings that were labelled; 1.0 when nothing was reported."""
        reported = self.tp + self.fp
        return self.tp / reported if reported else 1.0

    @property
    def recall(self) -> float:
        """Share of labelled items that were reported; 1.0 when nothing was labelled."""
        labelled = self.tp + self.fn
        return self.tp / labelled if labelled else 1.0


@dataclass
class Report:
    """Tallies per kind, the overall tally, and the individual errors for inspection."""

    per_kind: dict[Kind, Tally] = field(default_factory=lambda: {kind: Tally() for kind in Kind})
    overall: Tally = field(default_factory=Tally)
    false_positives: list[tuple[str, Kind, str]] = field(default_factory=list)
    false_negatives: list[tuple[str, Kind, str]] = field(default_factory=list)
    cases: int = 0


def evaluate(cases: Iterable[Case] = CASES) -> Report:
    """Run the detector over ``cases`` and count hits and misses per kind."""
    report = Report()
    for text, labels in cases:
        report.cases += 1
        expected = Counter(labels)
        found = Counter((finding.kind, finding.text) for finding in find_personal_data(text))
        for (kind, _value), count in (expected & found).items():
            report.per_kind[kind].tp += count
        for (kind, value), count in (found - expected).items():
            report.per_kind[kind].fp += count
            report.false_positives.extend([(text, kind, value)] * count)
        for (kind, value), count in (expected - found).items():
            report.per_kind[kind].fn += count
            report.false_negatives.extend([(text, kind, value)] * count)
    for tally in report.per_kind.values():
        report.overall.tp += tally.tp
        report.overall.fp += tally.fp
        report.overall.fn += tally.fn
    return report


def format_report(report: Report) -> str:
    """The report as a plain-text table followed by the list of errors."""
    lines = [
        f"labelled cases: {report.cases}",
        "",
        f"{'kind':<12} {'label':<12} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>10} {'recall':>8}",
    ]
    rows = [(kind.value, kind.label, tally) for kind, tally in report.per_kind.items()]
    rows.append(("overall", "合计", report.overall))
    for name, label, tally in rows:
        pad = 12 - 2 * len(label)  # CJK characters are two columns wide
        lines.append(
            f"{name:<12} {label}{' ' * max(pad, 0)} {tally.tp:>4} {tally.fp:>4} {tally.fn:>4} "
            f"{tally.precision:>10.4f} {tally.recall:>8.4f}"
        )
    for title, errors in (("false positives", report.false_positives),
                          ("false negatives", report.false_negatives)):
        lines.append("")
        lines.append(f"{title}: {len(errors)}")
        lines.extend(f"  [{kind.value}] {value!r} in {text!r}" for text, kind, value in errors)
    return "\n".join(lines)


ALL_CASES: list[Case] = [*CASES, *PEOPLE_CASES]


def held_out_summary() -> str:
    """Names and addresses measured on the cases written after the rules were settled."""
    report = evaluate(HELD_OUT_CASES)
    lines = [f"held-out cases (written after the rules were settled): {report.cases}"]
    for kind in (Kind.NAME, Kind.ADDRESS):
        tally = report.per_kind[kind]
        lines.append(f"  {kind.value:<8} TP {tally.tp:>3}  FP {tally.fp:>3}  FN {tally.fn:>3}  "
                     f"precision {tally.precision:.4f}  recall {tally.recall:.4f}")
    return "\n".join(lines)


def timing() -> str:
    """What finding names and addresses costs: loading, fresh text, and a cached text."""
    import resource
    import time

    from portal.disclose import public_text

    started = time.perf_counter()
    find_personal_data("投诉人王五，住北京市朝阳区幸福路88号。")
    loading = time.perf_counter() - started
    text = "".join(case_text for case_text, _labels in PEOPLE_CASES)
    started = time.perf_counter()
    find_personal_data(text)
    fresh = time.perf_counter() - started
    summary = ("投诉人赵建军反映，其住南京市玄武区中山路18号，邻居钱立新长期在夜间装修，多次协商未果。"
               "经调查，所反映情况属实，社区民警孙海（警号012345）已组织双方调解。投诉人对处理结果表示满意。")
    started = time.perf_counter()
    public_text(summary)
    first = time.perf_counter() - started
    started = time.perf_counter()
    public_text(summary)
    cached = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return "\n".join([
        f"first call (jieba's dictionary, cpca's table): {loading * 1000:.0f} ms; peak RSS {peak:.0f} MB",
        f"{len(text)} characters of labelled text, not seen before: {fresh * 1000:.0f} ms "
        f"({fresh * 1e6 / len(text):.0f} ms per 1,000 characters)",
        f"a {len(summary)}-character complaint summary: {first * 1000:.1f} ms the first time, "
        f"{cached * 1e6:.1f} µs cached",
    ])


def main() -> None:
    """Print the precision/recall table for both labelled sets, then the held-out figures;
    with the argument ``timing``, what the name and address detection costs instead."""
    import sys

    if sys.argv[1:] == ["timing"]:
        print(timing())
        return
    print(format_report(evaluate(ALL_CASES)))
    print()
    print(held_out_summary())


if __name__ == "__main__":
    main()
