"""Demo penalty decisions for ``portal init --demo``: a published one about a private person, one
about a company with a trade secret withheld, a withdrawn one and a minor's case (never public).

The parties are fictional (示例 names; the ID number carries a valid check digit so the masking
behaves as with real data).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal.accounts.models import Department
from portal.core.pii import id_check_digit
from portal.core.timefmt import local_today
from portal.extensions import db
from portal.penalties.models import PenaltyDecision
from portal.penalties.services import (
    DecisionFields,
    note_change,
    publish_decision,
    save_decision,
    withdraw_decision,
)

FIRST17 = "11010519800101002"
AUTHORITY = "示例市公安局"


def _fields(number: str, decided_on: date, party_type: str, party: str, minor: bool, facts: str,
            basis: str, penalty: str, unit: int) -> DecisionFields:
    return DecisionFields(
        decision_no=number, authority=AUTHORITY, department_id=unit, decided_on=decided_on,
        party_type=party_type, party_name=party,
        party_id_number=FIRST17 + id_check_digit(FIRST17) if party_type == "person" else "",
        party_address="示例市示例路 8 号" if party_type == "person" else "", involves_minor=minor,
        facts=facts, legal_basis=basis, penalty=penalty)


def create_demo_penalties() -> list[str]:
    """Register the demo decisions (once); return their numbers."""
    if db.session.scalar(select(PenaltyDecision.id).limit(1)) is not None:
        return []
    unit = db.session.scalar(select(Department.id).where(Department.code == "zhian")) \
        or db.session.scalar(select(Department.id).order_by(Department.position))
    if unit is None:  # no departments loaded: nothing to attach decisions to
        return []
    today = local_today()
    person = save_decision(None, _fields(
        "示公（治）行罚决字〔2026〕101号", today - timedelta(days=3), "person", "示例当事人甲", False,
        "当事人于深夜在居民小区内大声喧哗、播放音乐，经劝阻拒不改正，干扰他人正常生活。",
        "《中华人民共和国治安管理处罚法》第五十八条", "罚款二百元。", unit), actor_id=None)
    company = save_decision(None, _fields(
        "示公（治）行罚决字〔2026〕102号", today - timedelta(days=15), "company", "示例旅馆管理有限公司", False,
        "该旅馆未按规定登记住宿旅客身份信息。[[不予公开:third-party]]该公司的客房定价与经营数据[[/不予公开]]",
        "《中华人民共和国治安管理处罚法》第五十六条", "罚款五百元。", unit), actor_id=None)
    withdrawn = save_decision(None, _fields(
        "示公（治）行罚决字〔2026〕095号", today - timedelta(days=40), "person", "示例当事人乙", False,
        "当事人在公共场所无故滋事。", "《中华人民共和国治安管理处罚法》第二十六条", "行政拘留五日。", unit),
        actor_id=None)
    minor = save_decision(None, _fields(
        "示公（治）行罚决字〔2026〕103号", today - timedelta(days=10), "person", "示例未成年人", True,
        "未成年人案件。", "《中华人民共和国治安管理处罚法》第二十一条", "警告。", unit), actor_id=None)
    for decision in (person, company, withdrawn):
        publish_decision(decision, actor_id=None)
    note_change(withdrawn, kind="revoked", changed_on=today - timedelta(days=3), actor_id=None)
    withdraw_decision(withdrawn, statement="经行政复议，该处罚决定被依法撤销，故撤回原公开信息。", actor_id=None)
    return [d.decision_no for d in (person, company, withdrawn, minor)]
