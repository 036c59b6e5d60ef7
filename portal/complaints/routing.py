"""Who handles a complaint: the inspection office (督察) by default, the unit complained about
only when a supervisor routes it there, never with the complainant's identity, and a 复查 by
someone other than the first handler."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select

from portal.accounts.models import Department, User
from portal.audit.services import record
from portal.complaints.models import Complaint
from portal.core.errors import FieldError
from portal.core.timefmt import local_today
from portal.extensions import db
from portal.matters.models import MatterEvent
from portal.matters.services import add_event

log = logging.getLogger(__name__)
OVERSIGHT_DEPARTMENT = "ducha"  # 督察: complaints by default, and always those about a unit's head
UNIT_SETTING = "unit"  # COMPLAINT_HANDLER value: the unit complained about handles its complaints
IDENTITY_FIELDS = ("complainant_name", "phone", "email")
IDENTITY_REASON = ("依据《信访工作条例》第四十六条，不得将投诉人的有关情况透露、转给被投诉的单位，"
                   "投诉人身份不向被投诉单位提供")
SAME_HANDLER_MESSAGE = "复查须由原处理人以外的人员办理。"


def department_by_code(code: str) -> Department:
    """The department with this code; a missing one is a configuration error, told to the citizen
    as a form error (the complaint is not filed) and logged for the operator."""
    department = db.session.scalars(select(Department).where(Department.code == code)).first()
    if department is None:
        log.error("COMPLAINT_HANDLER names no department: %r", code)
        raise FieldError("about_department_id", "投诉受理部门未配置，暂时无法提交，请拨打监督投诉电话 12389。")
    return department


def handling_department(about: Department, officer: User | None) -> Department:
    """The department a new complaint goes to, as COMPLAINT_HANDLER says.

    By default the inspection office; with ``unit``, the unit complained about, except
    complaints about its head, which go to the inspection office.
    """
    setting = current_app.config.get("COMPLAINT_HANDLER", OVERSIGHT_DEPARTMENT)
    if setting != UNIT_SETTING:
        return department_by_code(setting)
    if officer is not None and officer.is_department_head:
        return department_by_code(OVERSIGHT_DEPARTMENT)
    return about


def route(complaint: Complaint, department: Department | None, *, reason: str, actor_id: int) -> None:
    """A supervisor sends the complaint to another department, with a reason, audited.

    The assignee is cleared: the receiving department assigns its own handler.
    """
    matter = complaint.matter
    if matter.closed_on is not None:
        raise FieldError("department_id", "已办结的投诉不能改变承办单位。")
    if department is None:
        raise FieldError("department_id", "请选择承办单位。")
    if department.id == matter.department_id:
        raise FieldError("department_id", "投诉已由该单位办理。")
    if not reason.strip():
        raise FieldError("reason", "改变承办单位须说明理由。")
    before = matter.department.name if matter.department else ""
    matter.department_id, matter.assignee_id = department.id, None
    add_event(matter, "routed", local_today(), actor_id=actor_id,
              note=f"{before} → {department.name}：{reason.strip()}")
    record("complaint.routed", user_id=actor_id, target_type="complaint", target_id=matter.tracking_no,
           detail={"from": before, "to": department.name, "reason": reason.strip(),
                   "unit_complained_about": department.id == complaint.about_department_id})


def identity_hidden_from(complaint: Complaint, user: User) -> dict[str, str]:
    """The complainant's identity fields withheld from ``user`` (with the reason cited).

    Nobody in the unit complained about sees who complained, whoever handles the complaint.
    """
    if user.department_id is None or user.department_id != complaint.about_department_id:
        return {}
    return dict.fromkeys(IDENTITY_FIELDS, IDENTITY_REASON)


def first_handlers(complaint: Complaint) -> set[int]:
    """Who handled the complaint before its 复查: who answered it, and its assignee then."""
    events = db.session.scalars(select(MatterEvent).where(
        MatterEvent.matter_id == complaint.matter_id).order_by(MatterEvent.id))
    handlers: set[int] = set()
    assignee: int | None = None
    for event in events:
        if event.kind == "assigned":
            assignee = int(event.note) if event.note.isdigit() else None
        elif event.kind == "routed":
            assignee = None
        elif event.kind == "review_requested":
            break
        elif event.kind == "replied":
            handlers |= {user for user in (event.actor_id, assignee) if user is not None}
    return handlers


def may_review(complaint: Complaint, user: User) -> bool:
    """False for the first handler of a complaint under 复查."""
    return complaint.matter.status != "reviewing" or user.id not in first_handlers(complaint)


def check_reviewer(complaint: Complaint, user: User | None, field: str) -> None:
    """Refuse the first handler as the one handling the 复查."""
    if user is not None and not may_review(complaint, user):
        raise FieldError(field, SAME_HANDLER_MESSAGE)
