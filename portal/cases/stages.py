"""The stages of a case and the order they may come in. Pure Python, no Flask.

A case starts with 受案; 不予立案 and 结案 end it. Criminal cases investigate, transfer for
prosecution or decide only once filed (立案); 移送审查起诉 exists only for criminal cases. After
an outcome (处理决定, 撤销案件) only 结案 may follow. Dates never go backwards and never lie in
the future. Coercive measures and decisions record only their kind, from fixed lists, so no
detail (a place of residence, an amount, a name) can slip into what the party sees.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from portal.core.errors import FieldError

STAGES = {
    "accepted": "受案",
    "filed": "立案",
    "not_filed": "不予立案",
    "investigating": "侦查/调查中",
    "coercive_measure": "采取强制措施",
    "transferred_for_prosecution": "移送审查起诉",
    "decision": "作出处理决定",
    "withdrawn": "撤销案件",
    "closed": "结案",
}
# Stages after which nothing more may be recorded.
TERMINAL = frozenset({"not_filed", "closed"})
# Stages that record a kind (the measure or decision) or a reason the party is told.
KIND_STAGES = frozenset({"coercive_measure", "decision"})
REASON_STAGES = frozenset({"not_filed", "withdrawn"})
# Stages recorded at most once.
ONCE = frozenset({"accepted", "filed", "not_filed", "investigating", "transferred_for_prosecution",
                  "decision", "withdrawn", "closed"})
# Outcomes, one of which must precede 结案.
OUTCOMES = frozenset({"decision", "transferred_for_prosecution", "withdrawn"})
# What may still follow an outcome.
AFTER_OUTCOME = {
    "decision": frozenset({"closed"}),
    "withdrawn": frozenset({"closed"}),
    # The procuratorate may send the case back (退回补充侦查): measures change, it may be withdrawn.
    "transferred_for_prosecution": frozenset({"closed", "coercive_measure", "withdrawn"}),
}
# Criminal stages that need the case filed (立案) first.
CRIMINAL_NEEDS_FILING = frozenset({"investigating", "transferred_for_prosecution", "decision",
                                   "withdrawn"})

# The kinds a measure or decision may be, per case type (刑事诉讼法 第六章 强制措施;
# 治安管理处罚法 处罚种类; 行政强制法 第九条).
KINDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("criminal", "coercive_measure"): ("拘传", "取保候审", "监视居住", "拘留", "逮捕"),
    ("administrative", "coercive_measure"): ("查封", "扣押", "冻结", "扣留", "保护性约束"),
    ("criminal", "decision"): ("终止侦查",),
    ("administrative", "decision"): ("警告", "罚款", "行政拘留", "行政拘留并处罚款",
                                     "没收违法所得、非法财物", "暂扣或者吊销许可证", "不予行政处罚"),
}


class StageFact(NamedTuple):
    """What the order rules need to know of a recorded stage."""

    stage: str
    day: date
    kind: str = ""


def stage_label(stage: str, case_type: str) -> str:
    """The stage's name as a party reads it (侦查中 for criminal, 调查中 for administrative cases)."""
    if stage == "investigating":
        return "侦查中" if case_type == "criminal" else "调查中"
    return STAGES.get(stage, "")


def kinds_for(case_type: str, stage: str) -> tuple[str, ...]:
    """The kinds a stage of a case type may record (empty: the stage has no kind)."""
    return KINDS.get((case_type, stage), ())


def check_new_stage(case_type: str, history: Sequence[StageFact], stage: str, day: date, *,
                    kind: str = "", reason: str = "", today: date) -> None:
    """Raise :class:`FieldError` unless ``stage`` may follow ``history`` (oldest first)."""
    if stage not in STAGES:
        raise FieldError("stage", "请选择办理环节。")
    codes = [fact.stage for fact in history]
    label = stage_label(stage, case_type)
    _check_sequence(case_type, codes, stage, label)
    _check_day(history, day, today)
    _check_details(case_type, stage, label, kind, reason)


def _check_sequence(case_type: str, codes: list[str], stage: str, label: str) -> None:
    if stage == "accepted":
        if codes:
            raise FieldError("stage", "受案已在建立案件时记录，不能重复记录。")
        return
    _check_case_open(codes, stage, label)
    _check_stage_order(case_type, codes, stage, label)


def _check_case_open(codes: list[str], stage: str, label: str) -> None:
    """The case was accepted, has not ended, and its outcome (if any) allows ``stage``."""
    if not codes or codes[0] != "accepted":
        raise FieldError("stage", "请先记录受案。")
    ended = next((code for code in codes if code in TERMINAL), None)
    if ended is not None:
        raise FieldError("stage", f"本案已{STAGES[ended]}，不能再记录办理环节。")
    if stage in ONCE and stage in codes:
        raise FieldError("stage", f"“{label}”已记录过，不能重复记录。")
    outcome = next((code for code in reversed(codes) if code in OUTCOMES), None)
    if outcome is not None and stage not in AFTER_OUTCOME[outcome]:
        raise FieldError("stage", f"本案已{STAGES[outcome]}，不能再记录“{label}”。")


def _check_stage_order(case_type: str, codes: list[str], stage: str, label: str) -> None:
    """The stage-specific order: filing before investigation, outcome before closing, ..."""
    if stage in ("filed", "not_filed"):
        if "filed" in codes or "not_filed" in codes:
            raise FieldError("stage", "本案已作出立案或不予立案决定。")
        if "investigating" in codes:
            raise FieldError("stage", "侦查/调查开始后不能再记录立案决定。")
    if stage == "transferred_for_prosecution" and case_type != "criminal":
        raise FieldError("stage", "只有刑事案件可以移送审查起诉。")
    if case_type == "criminal" and stage in CRIMINAL_NEEDS_FILING and "filed" not in codes:
        raise FieldError("stage", f"刑事案件须先立案，才能记录“{label}”。")
    if stage == "closed" and not any(code in OUTCOMES for code in codes):
        raise FieldError("stage", "结案前须先记录处理决定、移送审查起诉或撤销案件。")


def _check_day(history: Sequence[StageFact], day: date, today: date) -> None:
    if day > today:
        raise FieldError("day", "日期不能晚于今天。")
    latest = max((fact.day for fact in history), default=None)
    if latest is not None and day < latest:
        raise FieldError("day", f"日期不能早于上一办理环节（{latest.isoformat()}）。")


def _check_details(case_type: str, stage: str, label: str, kind: str, reason: str) -> None:
    allowed = kinds_for(case_type, stage)
    if stage in KIND_STAGES:
        if not kind:
            raise FieldError("kind", f"请选择{label}的种类。")
        if kind not in allowed:
            raise FieldError("kind", f"“{kind}”不是{'刑事' if case_type == 'criminal' else '行政'}案件"
                                     f"“{label}”的种类。")
    elif kind:
        raise FieldError("kind", "只有采取强制措施和作出处理决定需要选择种类。")
    if stage in REASON_STAGES:
        if not reason.strip():
            raise FieldError("reason", f"请填写{label}的理由（当事人可见）。")
    elif reason.strip():
        raise FieldError("reason", "只有不予立案和撤销案件需要填写理由。")
