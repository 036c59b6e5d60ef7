"""How long a case may stay at a stage before the next one is due, and the due date it gives.

Every default below is an example (示例) the bureau must confirm or change on the
administrator's page; the basis column says where the figure comes from. Periods are calendar
days counted from the day after the stage (开始之日不计算在内); a due date falling on a
holiday is not moved, so the reminder errs early. Some periods are counted from the 受案 date
instead of the stage (``from_accepted``): an administrative case's 30 days run from acceptance
whatever happens in between.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.cases.models import Case, CaseStagePolicy
from portal.cases.stages import TERMINAL
from portal.core.timefmt import utcnow
from portal.extensions import db

LOCAL = "无统一法定期限，示例取本局督办周期，由本局设定。"


@dataclass(frozen=True)
class StagePolicy:
    """Days from a stage (of a case type, and for measures of a kind) to the next stage."""

    case_type: str
    stage: str
    kind: str
    days: int | None
    from_accepted: bool
    basis: str
    is_example: bool = True

    @property
    def key(self) -> tuple[str, str, str]:
        """(case type, stage, kind): what a stored row overrides."""
        return (self.case_type, self.stage, self.kind)


DEFAULTS: tuple[StagePolicy, ...] = (
    StagePolicy("criminal", "accepted", "", 7, False,
                "立案审查：原则上不超过 3 日；涉嫌犯罪线索需要查证的不超过 7 日；重大疑难复杂案件经县级以上"
                "公安机关负责人批准可延长至 30 日（公安部《关于改革完善受案立案制度的意见》，2015 年）。"
                "示例取 7 日，由本局设定。"),
    StagePolicy("criminal", "filed", "", 60, False, "立案后至下一办理环节：" + LOCAL),
    StagePolicy("criminal", "investigating", "", 60, False, "侦查中：" + LOCAL),
    StagePolicy("criminal", "coercive_measure", "拘传", 1, False,
                "拘传持续的时间不得超过十二小时，案情特别重大、复杂需要采取拘留、逮捕措施的不得超过"
                "二十四小时（《刑事诉讼法》第一百一十九条）。示例按 1 日提醒。"),
    StagePolicy("criminal", "coercive_measure", "拘留", 3, False,
                "拘留后认为需要逮捕的，应在 3 日内提请批准逮捕，特殊情况可延长 1 至 4 日，流窜作案、"
                "多次作案、结伙作案的重大嫌疑分子可延长至 30 日（《刑事诉讼法》第九十一条）。示例取 3 日。"),
    StagePolicy("criminal", "coercive_measure", "逮捕", 60, False,
                "逮捕后的侦查羁押期限不得超过二个月（《刑事诉讼法》第一百五十六条），延长须经批准。"
                "示例按 60 日计。"),
    StagePolicy("criminal", "coercive_measure", "取保候审", 365, False,
                "取保候审最长不得超过十二个月（《刑事诉讼法》第七十九条）。示例按 365 日计。"),
    StagePolicy("criminal", "coercive_measure", "监视居住", 180, False,
                "监视居住最长不得超过六个月（《刑事诉讼法》第七十九条）。示例按 180 日计。"),
    StagePolicy("criminal", "coercive_measure", "", 30, False, "其他强制措施：" + LOCAL),
    StagePolicy("criminal", "transferred_for_prosecution", "", 45, False,
                "人民检察院审查起诉应在一个月内作出决定，重大、复杂的案件可延长十五日（《刑事诉讼法》"
                "第一百七十二条）。示例取 45 日后跟进审查起诉结果。"),
    StagePolicy("criminal", "decision", "", 7, False, "作出处理决定后办结：" + LOCAL),
    StagePolicy("criminal", "withdrawn", "", 7, False, "撤销案件后办结：" + LOCAL),
    StagePolicy("administrative", "accepted", "", 30, True,
                "治安案件办理期限自受理之日起不得超过三十日；案情重大、复杂的，经上一级公安机关批准可延长"
                "三十日（《治安管理处罚法》2012 年修正本第九十九条；2025 年修订本条文序号有调整，以现行"
                "文本为准）。示例取 30 日，由本局设定。"),
    StagePolicy("administrative", "filed", "", 30, True, "同受案：自受案之日起计算办案期限。"),
    StagePolicy("administrative", "investigating", "", 30, True, "同受案：自受案之日起计算办案期限。"),
    StagePolicy("administrative", "coercive_measure", "查封", 30, False,
                "查封、扣押的期限不得超过三十日，情况复杂的经行政机关负责人批准可延长，但延长期限不得超过"
                "三十日（《行政强制法》第二十五条）。示例取 30 日。"),
    StagePolicy("administrative", "coercive_measure", "扣押", 30, False,
                "查封、扣押的期限不得超过三十日，情况复杂的经行政机关负责人批准可延长，但延长期限不得超过"
                "三十日（《行政强制法》第二十五条）。示例取 30 日。"),
    StagePolicy("administrative", "coercive_measure", "", 30, True,
                "其他行政强制措施：仍按自受案之日起的办案期限计算。示例，由本局设定。"),
    StagePolicy("administrative", "decision", "", 15, False,
                "罚款应自收到行政处罚决定书之日起十五日内缴纳（《行政处罚法》第六十七条）。示例：决定作出后"
                "15 日内执行完毕并结案，由本局设定。"),
    StagePolicy("administrative", "withdrawn", "", 7, False, "撤销案件后办结：" + LOCAL),
)


def effective_policies() -> list[StagePolicy]:
    """Every policy: the defaults, with the days and status an administrator stored."""
    stored = {(row.case_type, row.stage, row.kind): row
              for row in db.session.scalars(select(CaseStagePolicy))}
    result = []
    for policy in DEFAULTS:
        row = stored.get(policy.key)
        result.append(policy if row is None else
                      replace(policy, days=row.days, is_example=row.is_example))
    return result


def find_policy(case_type: str, stage: str, kind: str = "",
                policies: list[StagePolicy] | None = None) -> StagePolicy | None:
    """The policy for a stage: the one for its kind, else the stage's general one."""
    by_key = {policy.key: policy for policy in (policies or effective_policies())}
    return by_key.get((case_type, stage, kind)) or by_key.get((case_type, stage, ""))


def next_due(case: Case, policies: list[StagePolicy] | None = None) -> date | None:
    """When the stage after the case's latest one is due (None: ended, or no limit).

    ``policies`` (from :func:`effective_policies`) saves a query per case when many are
    recomputed."""
    if case.closed_on is not None or not case.stages:
        return None
    latest = case.stages[-1]
    if latest.stage in TERMINAL:
        return None
    policy = find_policy(case.case_type, latest.stage, latest.kind, policies)
    if policy is None or policy.days is None:
        return None
    anchor = case.stages[0].day if policy.from_accepted else latest.day
    return anchor + timedelta(days=policy.days)


def ensure_rows() -> None:
    """Store every default that has no row yet (marked as an example); safe when concurrent."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    now = utcnow()
    db.session.execute(
        insert(CaseStagePolicy)
        .values([{"case_type": p.case_type, "stage": p.stage, "kind": p.kind, "days": p.days,
                  "from_accepted": p.from_accepted, "is_example": True, "updated_at": now}
                 for p in DEFAULTS])
        .on_conflict_do_nothing(index_elements=["case_type", "stage", "kind"])
    )


def save_policy(policy: StagePolicy, days: int | None, confirmed: bool, actor_id: int) -> bool:
    """Store an administrator's days for one policy; True when something changed.

    Changed days count as the bureau's own figure; an unchanged one stays an example unless
    the administrator confirms it.
    """
    row = db.session.scalar(select(CaseStagePolicy).where(
        CaseStagePolicy.case_type == policy.case_type, CaseStagePolicy.stage == policy.stage,
        CaseStagePolicy.kind == policy.kind))
    if row is None:
        row = CaseStagePolicy(case_type=policy.case_type, stage=policy.stage, kind=policy.kind,
                              days=policy.days, from_accepted=policy.from_accepted, is_example=True)
        db.session.add(row)
    is_example = not confirmed and days == row.days and row.is_example
    if row.days == days and row.is_example == is_example:
        return False
    row.days, row.is_example = days, is_example
    row.updated_at, row.updated_by_id = utcnow(), actor_id
    return True
