"""Asking, answering and rating questions (网上咨询), and publishing the consented answers.

A question is a matter of kind ``question``: it is numbered, stored and committed like a
complaint (:mod:`portal.matters.submission`), its time limit runs on the statutory clock in
working days (:mod:`portal.questions.policy`), and an overdue question is an open matter past
its due date, so the supervisor dashboard and the daily digest list it with the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.accounts.models import Department
from portal.calendar.services import load_calendar
from portal.core.clock import ClockError, EventKind
from portal.core.errors import FieldError
from portal.core.timefmt import local_today
from portal.disclose import public_text
from portal.extensions import db
from portal.matters.models import Matter
from portal.matters.services import (
    access_code_for,
    add_event,
    create_matter,
    matter_by_submission,
    recompute_due,
    unused_key_for,
)
from portal.matters.submission import access_code, store_once
from portal.outbox.services import enqueue
from portal.questions import policy as _policy  # noqa: F401  (registers the clock policy)
from portal.questions.models import KIND, PREFIX, RATINGS, Question
from portal.withholding.services import check_markup, sync_marks

ASK_FIELDS = ("department_id", "subject", "question_text", "phone", "email", "consent_publish")


@dataclass(frozen=True)
class AskedQuestion:
    """A stored question, its access code, and whether the same form had already stored it."""

    question: Question
    access_code: str
    repeated: bool


def ask_question(fields: dict, *, submission_key: str, received_on: date | None = None) -> AskedQuestion:
    """Store and commit a question for the chosen department (or return the one this form stored)."""
    submission_key = unused_key_for(KIND, submission_key)
    existing = matter_by_submission(submission_key)
    if existing is not None:
        return _repeated(existing)
    department = db.session.get(Department, fields.get("department_id"))
    if department is None:
        raise FieldError("department_id", "请选择咨询部门。")
    values = {name: fields[name] for name in ASK_FIELDS if name != "department_id"}
    code = access_code(submission_key)

    def store() -> AskedQuestion:
        matter, _code = create_matter(KIND, PREFIX, department_id=department.id,
                                      received_on=received_on or local_today(),
                                      submission_key=submission_key, access_code_hash=code.hash)
        question = Question(matter=matter, **values)
        db.session.add(question)
        db.session.flush()
        recompute_due(matter)
        due = matter.due_on.isoformat() if matter.due_on else "规定期限"
        notify(question, "received", f"本局已于 {matter.received_on.isoformat()} 收到您的咨询，"
               f"将在 {due} 前答复。")
        return AskedQuestion(question, code.code, repeated=False)

    return store_once(submission_key, store, _repeated)


def _repeated(matter: Matter) -> AskedQuestion:
    """The outcome of a form posted again: the question it already stored, and its code."""
    return AskedQuestion(db.session.get_one(Question, matter.id),
                         access_code_for(matter.submission_key), repeated=True)


def answer_question(question: Question, *, answer: str, public_title: str, public_question: str,
                    day: date, actor_id: int | None) -> None:
    """Answer the question (once) and, if the asker consented, publish it with the answer.

    ``public_title`` and ``public_question`` are the question as the public will read it: staff
    shorten it, mark names ``[[姓名]]…[[/姓名]]`` and withheld spans ``[[不予公开:reason]]…[[/不予公开]]``;
    the filter masks ID numbers, phones and e-mails in it in any case.
    """
    matter = question.matter
    if question.answered_on is not None:
        raise FieldError("answer_md", "这条咨询已经答复。")
    check_markup("answer_md", answer)
    check_markup("public_question", public_question)
    check_markup("public_title", public_title)
    if not answer.strip():
        raise FieldError("answer_md", "请填写答复内容。")
    if question.consent_publish and not public_title.strip():
        raise FieldError("public_title", "咨询人同意公开：请填写公开的标题。")
    if question.consent_publish and not public_question.strip():
        raise FieldError("public_question", "咨询人同意公开：请填写公开的咨询内容。")
    if day < matter.received_on or day > local_today():
        raise FieldError("day", "答复日期应在收到咨询之日与今天之间。")
    try:
        add_event(matter, EventKind.REPLIED, day, actor_id=actor_id, message="本局已答复您的咨询。")
    except ClockError as exc:
        raise FieldError("day", str(exc)) from None
    question.answer_md, question.answered_on = answer, day
    question.public_question = public_question.strip() if question.consent_publish else ""
    question.public_title = public_title.strip() if question.consent_publish else ""
    question.answer_workdays = load_calendar().count_workdays_detail(matter.received_on, day)[0]
    question.on_time = matter.due_on is None or day <= matter.due_on
    question.published_on = day if question.consent_publish else None
    matter.status, matter.closed_on = "answered", day
    for field, text in (("answer_md", answer), ("public_title", question.public_title),
                        ("public_question", question.public_question)):
        sync_marks(KIND, matter.id, field, text, actor_id)
    notify(question, "answer", f"答复如下：\n\n{answer}")


def rate_answer(question: Question, rating: str, comment: str) -> None:
    """The asker's rating of the answer (once the question is answered; a new rating replaces it)."""
    if question.answered_on is None:
        raise FieldError("rating", "答复后才能评价。")
    if rating not in RATINGS:
        raise FieldError("rating", "请选择评价。")
    question.rating, question.rating_comment = rating, comment.strip()
    add_event(question.matter, "rated", question.answered_on, actor_id=None, note=rating)


def notify(question: Question, kind: str, text: str) -> None:
    """E-mail the asker, when they gave an address (the text passes the public filter first)."""
    if not question.email:
        return
    number = question.matter.tracking_no
    enqueue(question.email, f"网上咨询答复情况（{number}）",
            f"您好：\n\n您的咨询（编号 {number}）：\n\n{public_text(text)[0]}\n\n"
            "可凭编号和查询码在本局网站查看。",
            dedupe_key=f"question:{question.matter_id}:{kind}")
