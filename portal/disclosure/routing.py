"""Routing a request inside the bureau: who may see and work on it, transferring it to the
department that holds the information, and consulting departments (内部征求意见).

The disclosure office (公开办, with the supervisors) receives every request. It may transfer a
request to the holding department, whose staff then see it in their queue and draft and answer
it, or ask several departments for their opinion, one consultation per department with its own
internal due date counted in working days on the portal's calendar. Neither step changes the
request's status or its statutory clock: the office keeps both, and the final reply. Each step
is an event in the request's history (internal: no message to the applicant) and an audit entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask import current_app
from sqlalchemy import select, update

from portal.accounts.alerts import alert
from portal.accounts.models import Department, User
from portal.audit.services import record
from portal.calendar.services import load_calendar
from portal.core.errors import FieldError
from portal.disclosure.models import Consultation, DisclosureRequest
from portal.disclosure.services import RECEIVING_DEPARTMENT
from portal.extensions import db
from portal.matters.models import Matter, MatterEvent

DEFAULT_CONSULTATION_WORKDAYS = 5
MAX_CONSULTATION_WORKDAYS = 15  # a department answers well within the office's 20 working days


def is_office(user: User) -> bool:
    """Supervisors, administrators and the staff of the disclosure office route requests."""
    return user.is_overseer or (user.department is not None and user.department.code == RECEIVING_DEPARTMENT)


def may_work_on(user: User, matter: Matter) -> bool:
    """The office, the handling department's staff and the assigned officer work on a request."""
    return (is_office(user) or matter.department_id == user.department_id
            or (matter.assignee_id is not None and matter.assignee_id == user.id))


def may_see_consultation(user: User, consultation: Consultation) -> bool:
    """The office and the consulted department see a consultation."""
    return is_office(user) or consultation.department_id == user.department_id


def may_answer(user: User, consultation: Consultation) -> bool:
    """Only the consulted department answers, once."""
    return consultation.answered_on is None and consultation.department_id == user.department_id


def consultation_workdays() -> int:
    """The internal period proposed for a new consultation (``CONSULTATION_WORKDAYS``)."""
    return int(current_app.config.get("CONSULTATION_WORKDAYS", DEFAULT_CONSULTATION_WORKDAYS))


def _history(matter: Matter, kind: str, day: date, actor_id: int | None, note: str,
             deadline: date | None = None, days: int | None = None) -> MatterEvent:
    """An internal event in the request's history (no message: the applicant is not told)."""
    event = MatterEvent(matter=matter, kind=kind, day=day, note=note, actor_id=actor_id,
                        deadline=deadline, days=days)
    db.session.add(event)
    db.session.flush()
    return event


def _open(req: DisclosureRequest) -> Matter:
    matter = req.matter
    if matter.closed_on is not None:
        raise FieldError("department_id", "该申请已办结，不能再转办或征求意见。")
    return matter


def transfer(req: DisclosureRequest, department: Department | None, *, reason: str, actor_id: int | None,
             day: date) -> None:
    """Send the request to the department that holds the information (audited, with a reason).

    The assignee is kept only if they belong to that department; its staff are alerted.
    """
    matter = _open(req)
    if department is None:
        raise FieldError("department_id", "请选择承办部门。")
    if department.id == matter.department_id:
        raise FieldError("department_id", "该申请已由该部门承办。")
    reason = reason.strip()
    if not reason:
        raise FieldError("reason", "转办须说明理由。")
    before = matter.department.name
    matter.department_id = department.id
    if matter.assignee is not None and matter.assignee.department_id != department.id:
        matter.assignee_id = None
    db.session.flush()
    db.session.refresh(matter, ["department"])
    _history(matter, "routed", day, actor_id, f"{before} → {department.name}：{reason}")
    record("request.transferred", user_id=actor_id, target_type="request", target_id=matter.tracking_no,
           detail={"from": before, "to": department.name, "reason": reason})
    for user in department_staff(department.id):
        alert(user, f"转办的申请 {matter.tracking_no}",
              f"政务公开办公室将申请 {matter.tracking_no} 转由{department.name}办理，"
              f"答复期限 {matter.due_on or '暂停计算'}。理由：{reason}", f"transferred:{matter.id}:{department.id}")


def department_staff(department_id: int) -> list[User]:
    """The active accounts of a department (whom its alerts go to)."""
    return list(db.session.scalars(select(User).where(User.department_id == department_id,
                                                      User.active.is_(True)).order_by(User.id)))


def consult(req: DisclosureRequest, departments: Iterable[Department], *, question: str, workdays: int,
            actor_id: int | None, day: date) -> list[Consultation]:
    """Ask each department its opinion, due ``workdays`` working days after ``day``.

    One open consultation per department and request: a department already asked and not yet
    answering is refused. The request's status and statutory clock do not change.
    """
    matter = _open(req)
    chosen = list(departments)
    if not chosen:
        raise FieldError("department_ids", "请选择至少一个征求意见的部门。")
    question = question.strip()
    if not question:
        raise FieldError("question", "请写明征求意见的问题。")
    if not 1 <= workdays <= MAX_CONSULTATION_WORKDAYS:
        raise FieldError("workdays", f"内部答复期限应为 1 至 {MAX_CONSULTATION_WORKDAYS} 个工作日。")
    waiting = {c.department_id for c in consultations_of(matter.id) if c.answered_on is None}
    repeated = [d.name for d in chosen if d.id in waiting]
    if repeated:
        raise FieldError("department_ids", f"{'、'.join(repeated)}尚未答复此前的征求意见，不能重复征求。")
    due_on, provisional = load_calendar().add_workdays_checked(day, workdays)
    created = []
    for department in chosen:
        consultation = Consultation(matter_id=matter.id, department_id=department.id, question=question,
                                    asked_on=day, workdays=workdays, due_on=due_on,
                                    due_provisional=provisional, asked_by_id=actor_id, answer="")
        db.session.add(consultation)
        db.session.flush()
        created.append(consultation)
        _history(matter, "dept_consulted", day, actor_id, f"征求{department.name}意见：{question}",
                 deadline=due_on, days=workdays)
        record("request.consulted", user_id=actor_id, target_type="request", target_id=matter.tracking_no,
               detail={"consultation": consultation.id, "department": department.name,
                       "due_on": due_on.isoformat(), "workdays": workdays, "provisional": provisional})
        for user in department_staff(department.id):
            alert(user, f"征求意见 {matter.tracking_no}",
                  f"政务公开办公室就申请 {matter.tracking_no} 征求{department.name}意见，"
                  f"请于 {due_on.isoformat()} 前答复。", f"consulted:{consultation.id}")
    return created


def answer(consultation: Consultation, *, text: str, actor: User, day: date) -> None:
    """The consulted department gives its opinion (once); the office is told by the history."""
    if not may_answer(actor, consultation):
        raise FieldError("answer", "该征求意见已答复，或不是征求本部门的意见。")
    text = text.strip()
    if not text:
        raise FieldError("answer", "请填写本部门的意见。")
    consultation.answer, consultation.answered_on, consultation.answered_by_id = text, day, actor.id
    matter = consultation.matter
    late = day > consultation.due_on
    _history(matter, "dept_consultation_answered", day, actor.id,
             f"{consultation.department.name}答复意见{'（逾期）' if late else ''}：{text}")
    record("request.consultation_answered", user_id=actor.id, target_type="request",
           target_id=matter.tracking_no,
           detail={"consultation": consultation.id, "department": consultation.department.name,
                   "due_on": consultation.due_on.isoformat(), "late": late})
    if matter.assignee is not None:
        alert(matter.assignee, f"部门已答复征求意见 {matter.tracking_no}",
              f"{consultation.department.name}已就申请 {matter.tracking_no} 答复征求意见。",
              f"consultation-answered:{consultation.id}")


def consultations_of(matter_id: int) -> list[Consultation]:
    """The consultations of a request, in the order they were asked."""
    return list(db.session.scalars(select(Consultation).where(Consultation.matter_id == matter_id)
                                   .order_by(Consultation.id)))


def mark_overdue(today: date) -> int:
    """Mark each unanswered consultation past its due date once: history, audit, alert."""
    marked = list(db.session.execute(
        update(Consultation)
        .where(Consultation.answered_on.is_(None), Consultation.due_on < today,
               Consultation.overdue_since.is_(None))
        .values(overdue_since=today)
        .returning(Consultation.id)
        .execution_options(synchronize_session=False)).scalars())
    for consultation in db.session.scalars(select(Consultation).where(Consultation.id.in_(marked))
                                           .order_by(Consultation.id)):
        matter, department = consultation.matter, consultation.department
        _history(matter, "dept_consultation_overdue", today, None,
                 f"{department.name}未在 {consultation.due_on.isoformat()} 前答复征求意见")
        record("request.consultation_overdue", user_id=None, target_type="request",
               target_id=matter.tracking_no,
               detail={"consultation": consultation.id, "department": department.name,
                       "due_on": consultation.due_on.isoformat()})
        for user in department_staff(department.id):
            alert(user, f"征求意见已逾期 {matter.tracking_no}",
                  f"申请 {matter.tracking_no} 的征求意见应于 {consultation.due_on.isoformat()} 前答复，"
                  "现已逾期，请尽快答复。", f"consultation-overdue:{consultation.id}")
    return len(marked)
