"""Citizen pages of 网上咨询: ask (with the "already answered?" preview), receipt, the asker's
own page and rating, the public Q&A list and each published answer, and the statistics."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from portal.accounts.models import Department
from portal.core.classification import PUBLIC
from portal.core.errors import FieldError
from portal.disclose import disclose, disclose_all
from portal.extensions import db
from portal.matters.services import new_submission_key
from portal.matters.tracked import lookup_prefill, remember_tracked, tracked_matter, tracked_record
from portal.questions.forms import AskForm, RatingForm
from portal.questions.models import KIND, RATINGS, Question
from portal.questions.policy import reply_days
from portal.questions.queries import monthly_statistics, published_question, published_questions
from portal.questions.services import ask_question, rate_answer
from portal.searchable import Match, matching
from portal.web.input_guard import query_int

bp = Blueprint("questions", __name__, url_prefix="/questions")
PAGE_SIZE = 20
MATCHES = 5
STATUS = {"received": "已收到，待答复", "answered": "已答复"}


def _departments() -> list[SelectChoice]:
    departments = db.session.scalars(select(Department).order_by(Department.position))
    return [SelectChoice("", "请选择"), *(SelectChoice(d.id, d.name) for d in departments)]


def already_answered(subject: str, text: str) -> list[Match]:
    """Guides, notices and answered questions that match the question (its title first)."""
    return matching(subject, MATCHES) or matching(text[:100], MATCHES)


@bp.route("/ask", methods=["GET", "POST"])
def ask():
    """The asking form. A valid form is first answered with what the site already says about
    it; only the confirming post (``send``) stores the question and shows the receipt."""
    form = AskForm()
    form.department_id.choices = _departments()
    matches: list[Match] | None = None
    if not form.is_submitted():
        form.submission_key.data = new_submission_key()
    elif form.validate():
        if "send" not in request.form:
            matches = already_answered(form.subject.data, form.question_text.data)
        else:
            fields = {name: getattr(form, name).data for name in
                      ("department_id", "subject", "question_text", "phone", "email", "consent_publish")}
            fields = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
            try:
                asked = ask_question(fields, submission_key=form.submission_key.data or new_submission_key())
            except FieldError as exc:
                getattr(form, exc.field, form.question_text).errors.append(exc.message)
            else:
                remember_tracked(asked.question.matter_id)
                return render_template("questions/receipt.html", matter=disclose(asked.question.matter, PUBLIC),
                                       access_code=asked.access_code, repeated=asked.repeated)
    return render_template("questions/ask.html", form=form, matches=matches, reply_days=reply_days())


def _tracked(tracking_no: str) -> Question:
    return tracked_record(tracking_no, KIND, Question)


@bp.route("/my/<tracking_no>")
def status(tracking_no: str):
    """The asker's page: status, due date and its explanation, the answer, the rating form.

    Opened without the access code (a bookmark, another browser), it leads to the lookup form.
    """
    if tracked_matter(tracking_no, KIND) is None:
        return redirect(url_for("disclosure.track", no=lookup_prefill(tracking_no) or None))
    question = _tracked(tracking_no)
    shown = disclose(question, PUBLIC)
    return render_template("questions/status.html", q=shown, matter=shown.matter, ratings=RATINGS,
                           status=STATUS.get(question.matter.status, question.matter.status),
                           rating_form=RatingForm())


@bp.route("/my/<tracking_no>/rate", methods=["POST"])
def rate(tracking_no: str):
    """Rate the answer."""
    question = _tracked(tracking_no)
    form = RatingForm()
    if not form.validate_on_submit():
        flash("请选择评价。", "error")
    else:
        try:
            rate_answer(question, form.rating.data, form.comment.data or "")
        except FieldError as exc:
            flash(exc.message, "error")
        else:
            flash("感谢您的评价。", "success")
    return redirect(url_for("questions.status", tracking_no=tracking_no))


@bp.route("/")
def index():
    """The published questions and answers, newest first, a page at a time."""
    page = db.paginate(published_questions(), page=query_int("page", 1), per_page=PAGE_SIZE, error_out=False)
    pager = {"page": page.page, "pages": page.pages, "prev_num": page.prev_num, "next_num": page.next_num,
             "has_prev": page.has_prev, "has_next": page.has_next}
    return render_template("questions/index.html", questions=disclose_all(list(page.items), PUBLIC),
                           pager=pager, total=page.total or 0)


@bp.route("/<int:question_id>")
def detail(question_id: int):
    """One published question with its answer (the filtered public copy)."""
    question = published_question(question_id)
    if question is None:
        abort(404)
    return render_template("questions/detail.html", q=disclose(question, PUBLIC))


@bp.route("/statistics")
def statistics():
    """Per month and department: received, answered, answered on time, median working days."""
    return render_template("questions/statistics.html", rows=monthly_statistics(), reply_days=reply_days())
