"""Back-office pages of 网上咨询: the department's questions and the answering form."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.auth.access import staff_required
from portal.core.timefmt import local_today
from portal.disclose import disclose, viewer_of
from portal.matters.labels import event_label
from portal.questions.forms import AnswerForm
from portal.questions.models import RATINGS, Question
from portal.questions.queries import question_by_number, staff_queue
from portal.questions.services import answer_question
from portal.questions.views import STATUS
from portal.web.form_posts import REFUSED, apply_form

bp = Blueprint("questions_staff", __name__, url_prefix="/staff/questions")


def _question_or_404(tracking_no: str) -> Question:
    """The question, if it belongs to the user's department (supervisors and admins: any)."""
    question = question_by_number(tracking_no)
    if question is None:
        abort(404)
    if not current_user.can_manage_department(question.matter.department_id):
        abort(403)
    return question


@bp.route("/")
@staff_required
def index():
    """Questions of the user's department (all for supervisors), open ones first, soonest due first."""
    department = None if current_user.is_overseer else current_user.department_id
    return render_template("questions/staff_queue.html", rows=staff_queue(department), today=local_today(),
                           status=STATUS)


def _page(question: Question, form: AnswerForm | None = None, status: int = 200):
    if form is None:
        form = AnswerForm()
        form.day.data = local_today()
        form.public_question.data = question.question_text
        form.public_title.data = question.subject
    return render_template("questions/staff_show.html", q=question, form=form, status=STATUS,
                           shown=disclose(question, viewer_of(current_user)), ratings=RATINGS,
                           event_label=event_label), status


@bp.route("/<tracking_no>")
@staff_required
def show(tracking_no: str):
    """One question with its clock, the asker's words and contact (own department), the answer form."""
    return _page(_question_or_404(tracking_no))


@bp.route("/<tracking_no>/answer", methods=["POST"])
@staff_required
def answer(tracking_no: str):
    """Answer the question; a refused answer is shown again with the reason and nothing is kept."""
    question = _question_or_404(tracking_no)
    form = AnswerForm()
    done = apply_form(form, lambda: answer_question(
        question, answer=form.answer_md.data, public_title=form.public_title.data or "",
        public_question=form.public_question.data or "", day=form.day.data, actor_id=current_user.id),
        fallback="answer_md")
    if done is REFUSED:
        return _page(question, form, 422)
    flash("已答复。" + ("咨询人同意公开，已在“网上咨询”栏目公开。" if question.consent_publish else ""), "success")
    return redirect(url_for("questions_staff.show", tracking_no=tracking_no))
