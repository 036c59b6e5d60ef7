"""Recording cases, stages and parties; query codes; the party's lookup; notices to parties.

All writes flush and audit, never commit (one commit per request happens in portal/web/hooks.py).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash, generate_password_hash

from portal.audit.services import record
from portal.auth.hashing import dummy_hash
from portal.cases.models import CASE_TYPES, PARTY_ROLES, Case, CaseParty, CaseStage
from portal.cases.policy import effective_policies, next_due
from portal.cases.stages import (
    KIND_STAGES,
    REASON_STAGES,
    TERMINAL,
    StageFact,
    check_new_stage,
    stage_label,
)
from portal.core.classification import PUBLIC
from portal.core.errors import FieldError
from portal.core.timefmt import local_today
from portal.disclose import disclose, public_text
from portal.extensions import db
from portal.matters.services import CODE_ALPHABET, CODE_LENGTH
from portal.outbox.services import check_headers, enqueue
from portal.withholding.services import check_markup

CASE_NO_MIN, CASE_NO_MAX = 4, 40
LAST4_RE = re.compile(r"^[0-9A-Z]{4}$")
PHONE_RE = re.compile(r"^[0-9][0-9-]{2,19}(转[0-9]{1,6})?$")
# Brackets people type for the 〔〕 of a case number.
_BRACKETS = str.maketrans({"[": "〔", "【": "〔", "［": "〔", "]": "〕", "】": "〕", "］": "〕"})


def normalize_case_no(text: str) -> str:
    """A case number in one canonical form: half-width letters, digits and parentheses
    (NFKC), 〔〕 for every kind of square bracket, no spaces, Latin letters upper-case."""
    folded = unicodedata.normalize("NFKC", text or "").translate(_BRACKETS)
    return "".join(ch for ch in folded if not ch.isspace()).upper()


def normalize_code(text: str) -> str:
    """A typed query code without spaces or hyphens, upper-case."""
    return re.sub(r"[\s-]", "", text or "").upper()


def normalize_last4(text: str) -> str:
    """The last four characters of an ID number as typed, upper-case (x → X)."""
    return re.sub(r"\s", "", text or "").upper()


def _hash(value: str) -> str:
    return generate_password_hash(value, current_app.config["PASSWORD_HASH_METHOD"])


def new_query_code() -> str:
    """Eight characters from the unambiguous alphabet (no 0/O, 1/I), drawn with ``secrets``."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_index(case_id: int, code: str) -> str:
    """A keyed HMAC of a case's query code: finds the party without a slow hash per party.

    Keyed with the portal's secret key, so the stored index alone does not let anyone test
    codes; changing the secret key makes codes unfindable (staff can issue new ones).
    """
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"case-query-code:{case_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _check_case_no(case_no: str) -> None:
    if not CASE_NO_MIN <= len(case_no) <= CASE_NO_MAX:
        raise FieldError("case_no", f"案件编号应为 {CASE_NO_MIN}–{CASE_NO_MAX} 个字符。")
    if any(unicodedata.category(ch).startswith("C") for ch in case_no):
        raise FieldError("case_no", "案件编号含有不可见字符。")
    if db.session.scalar(select(Case.id).where(Case.case_no == case_no)) is not None:
        raise FieldError("case_no", "该案件编号已存在。")


def create_case(*, case_no: str, case_type: str, department_id: int, officer_in_charge: str,
                unit_phone: str, accepted_on: date, note: str = "", actor_id: int | None,
                today: date | None = None) -> Case:
    """Record a case and its 受案 stage; the number is normalised and must be new."""
    case_no = normalize_case_no(case_no)
    _check_case_no(case_no)
    if case_type not in CASE_TYPES:
        raise FieldError("case_type", "请选择案件类型。")
    unit_phone = re.sub(r"\s", "", unit_phone or "")
    if not PHONE_RE.match(unit_phone):
        raise FieldError("unit_phone", "请填写办案单位的联系电话（可带区号和分机，如 0571-87000000转123）。")
    try:
        check_new_stage(case_type, [], "accepted", accepted_on, today=today or local_today())
    except FieldError as exc:
        raise FieldError("accepted_on", exc.message) from None
    case = Case(case_no=case_no, case_type=case_type, department_id=department_id,
                officer_in_charge=officer_in_charge.strip(), unit_phone=unit_phone,
                created_by_id=actor_id)
    db.session.add(case)
    db.session.flush()
    _append_stage(case, "accepted", accepted_on, kind="", reason="", note=note, actor_id=actor_id)
    record("case.create", user_id=actor_id, target_type="case", target_id=case.case_no,
           detail={"case_type": case_type, "department_id": department_id,
                   "accepted_on": accepted_on.isoformat()})
    return case


def _append_stage(case: Case, stage: str, day: date, *, kind: str, reason: str, note: str,
                  actor_id: int | None) -> CaseStage:
    row = CaseStage(case=case, stage=stage, day=day, kind=kind, reason=reason.strip(),
                    note=note.strip(), actor_id=actor_id)
    db.session.add(row)
    db.session.flush()
    db.session.refresh(case, ["stages"])
    if stage in TERMINAL:
        case.closed_on = day
    case.next_due_on = next_due(case)
    return row


def add_stage(case: Case, *, stage: str, day: date, kind: str = "", reason: str = "",
              note: str = "", actor_id: int | None, today: date | None = None) -> CaseStage:
    """Record the next stage if the order rules allow it; recompute the due date; tell parties."""
    history = [StageFact(s.stage, s.day, s.kind) for s in case.stages]
    kind, reason = (kind or "").strip(), (reason or "").strip()
    check_new_stage(case.case_type, history, stage, day, kind=kind, reason=reason,
                    today=today or local_today())
    check_markup("reason", reason)  # withheld spans ([[不予公开:...]]) must be well formed
    row = _append_stage(case, stage, day, kind=kind, reason=reason, note=note, actor_id=actor_id)
    record("case.stage", user_id=actor_id, target_type="case", target_id=case.case_no,
           detail={"stage": stage, "day": day.isoformat(), "kind": kind,
                   "next_due_on": case.next_due_on.isoformat() if case.next_due_on else None})
    notify_parties(case, row)
    return row


def recompute_open_cases() -> int:
    """Recompute the due date of every open case (after a policy change); return how many."""
    cases = list(db.session.scalars(select(Case).where(Case.closed_on.is_(None))
                                    .options(selectinload(Case.stages))))
    policies = effective_policies()
    for case in cases:
        case.next_due_on = next_due(case, policies)
    return len(cases)


def _check_party(role: str, name: str, last4: str, email: str) -> None:
    if role not in PARTY_ROLES:
        raise FieldError("role", "请选择身份。")
    if not name.strip() or len(name.strip()) > 100:
        raise FieldError("name", "请填写姓名（不超过 100 个字）。")
    if not LAST4_RE.match(last4):
        raise FieldError("id_last4", "请填写证件号码的最后 4 位（数字或字母）。")
    if email:
        try:
            check_headers(email, "案件办理进度通知")
        except ValueError:
            raise FieldError("email", "电子邮箱格式不正确。") from None


def _draw_code(case_id: int) -> tuple[str, str, str]:
    """A new code for a party of the case, unique within it: (code, hash, index)."""
    while True:
        code = new_query_code()
        index = code_index(case_id, code)
        taken = db.session.scalar(select(CaseParty.id).where(
            CaseParty.case_id == case_id, CaseParty.query_code_index == index))
        if taken is None:
            return code, _hash(code), index


def add_party(case: Case, *, role: str, name: str, id_last4: str, email: str = "",
              actor_id: int | None) -> tuple[CaseParty, str]:
    """Add a party; return it and its query code, which is shown once and stored only hashed."""
    last4, email = normalize_last4(id_last4), (email or "").strip()
    _check_party(role, name, last4, email)
    code, code_hash, index = _draw_code(case.id)
    party = CaseParty(case=case, role=role, name=name.strip(), id_last4_hash=_hash(last4),
                      email=email, query_code_hash=code_hash, query_code_index=index)
    db.session.add(party)
    db.session.flush()
    db.session.refresh(case, ["parties"])
    record("case.party_added", user_id=actor_id, target_type="case", target_id=case.case_no,
           detail={"party_id": party.id, "role": role, "notify_by_email": bool(email)})
    return party, code


def reissue_code(party: CaseParty, *, actor_id: int | None) -> str:
    """Replace a party's lost query code with a new one (the old one stops working)."""
    code, party.query_code_hash, party.query_code_index = _draw_code(party.case_id)
    db.session.flush()
    record("case.code_reissued", user_id=actor_id, target_type="case", target_id=party.case.case_no,
           detail={"party_id": party.id})
    return code


def find_party(case_no: str, code: str, id_last4: str) -> CaseParty | None:
    """The party of case ``case_no`` whose query code and ID digits match, else None.

    Every call runs the same two queries and exactly two slow hash checks, whether the case
    does not exist, the code is wrong or only the ID digits are, so neither the answer nor
    its timing tells which.
    """
    code, last4 = normalize_code(code), normalize_last4(id_last4)
    case_id = db.session.scalar(select(Case.id).where(Case.case_no == normalize_case_no(case_no)))
    wanted = case_id if case_id is not None else 0
    party = db.session.scalar(select(CaseParty).where(
        CaseParty.case_id == wanted, CaseParty.query_code_index == code_index(wanted, code)))
    code_ok = check_password_hash(party.query_code_hash if party else dummy_hash(), code)
    last4_ok = check_password_hash(party.id_last4_hash if party else dummy_hash(), last4)
    return party if party is not None and code_ok and last4_ok else None


def stage_text(case_type: str, stage: CaseStage) -> str:
    """One stage as the party reads it: date, name, kind or reason (before the filter)."""
    text = f"{stage.day.isoformat()} {stage_label(stage.stage, case_type)}"
    if stage.stage in KIND_STAGES and stage.kind:
        text += f"：{stage.kind}"
    if stage.stage in REASON_STAGES and stage.reason:
        text += f"\n理由：{stage.reason}"
    return text


def notify_parties(case: Case, stage: CaseStage) -> None:
    """Queue an e-mail about a new stage to every party who gave an address, built from the case
    as :func:`portal.disclose.disclose` gives it to the public and the stage's public text."""
    safe, _reasons = public_text(stage_text(case.case_type, stage))
    shown = disclose(case, PUBLIC)
    unit = (shown.get("department") or {}).get("name", "")
    site = current_app.config["SITE_NAME"]
    for party in case.parties:
        if not party.email:
            continue
        body = (
            f"您好：\n\n您作为{PARTY_ROLES.get(party.role, '当事人')}的案件（案件编号 {shown['case_no']}）"
            f"有新的办理进展：\n\n{safe}\n\n"
            f"办案单位：{unit}，联系电话 {shown.get('unit_phone', '')}。\n"
            f"可凭案件编号、查询码和本人证件号码后四位在本局网站“案件进度查询”查看详情。\n\n"
            f"{site}\n（本邮件由系统自动发送，请勿直接回复。）"
        )
        enqueue(party.email, f"案件办理进度通知（{shown['case_no']}）", body,
                dedupe_key=f"case:{case.id}:stage:{stage.id}:party:{party.id}")
