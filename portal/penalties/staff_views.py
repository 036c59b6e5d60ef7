"""Back-office pages for penalty decisions: list, register, correct, publish, record a change, withdraw."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.auth.access import department_choices, require_department, staff_required
from portal.core.errors import FieldError
from portal.core.timefmt import local_today
from portal.core.withhold import EXEMPTIONS
from portal.extensions import db
from portal.penalties.deadlines import publish_workdays
from portal.penalties.forms import ChangeForm, ConfirmForm, DecisionForm, WithdrawForm
from portal.penalties.models import PenaltyDecision, PenaltyStatus
from portal.penalties.queries import staff_decisions
from portal.penalties.record import public_record, withdrawal_notice
from portal.penalties.services import (
    DecisionFields,
    note_change,
    publish_decision,
    save_decision,
    withdraw_decision,
)
from portal.withholding.services import marks_for

bp = Blueprint("penalties_staff", __name__, url_prefix="/staff/penalties")


def _decision_or_404(penalty_id: int) -> PenaltyDecision:
    decision = db.session.get(PenaltyDecision, penalty_id)
    if decision is None:
        abort(404)
    require_department(decision.department_id)
    return decision


def _form_for(decision: PenaltyDecision | None) -> DecisionForm:
    form = DecisionForm()
    if decision is not None and not form.is_submitted():
        form = DecisionForm(obj=decision)
        form.party_name.data = decision.party_person or decision.party_company
    form.department_id.choices = department_choices()
    return form


def _fields(form: DecisionForm) -> DecisionFields:
    return DecisionFields(
        decision_no=form.decision_no.data, authority=form.authority.data,
        department_id=form.department_id.data, decided_on=form.decided_on.data,
        party_type=form.party_type.data, party_name=form.party_name.data,
        party_id_number=form.party_id_number.data or "", party_address=form.party_address.data or "",
        involves_minor=bool(form.involves_minor.data), facts=form.facts.data,
        legal_basis=form.legal_basis.data, penalty=form.penalty.data)


@bp.route("/")
@staff_required
def index():
    """Decisions of the user's department (all departments for supervisors)."""
    department = None if current_user.is_overseer else current_user.department_id
    return render_template("penalties/staff_index.html", decisions=staff_decisions(department),
                           today=local_today(), Status=PenaltyStatus)


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:penalty_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(penalty_id: int | None = None):
    """Register a decision or correct one; nothing is stored unless every field is valid."""
    decision = _decision_or_404(penalty_id) if penalty_id else None
    form = _form_for(decision)
    if form.validate_on_submit():
        require_department(form.department_id.data)
        try:
            decision = save_decision(decision, _fields(form), actor_id=current_user.id)
        except FieldError as exc:
            getattr(form, exc.field, form.decision_no).errors.append(exc.message)
        else:
            flash("已保存。", "success")
            return redirect(url_for("penalties_staff.show", penalty_id=decision.id))
    if form.is_submitted():
        flash("保存失败，请检查标出的字段。", "error")
    codes = "、".join(f"{code}={e.label}" for code, e in EXEMPTIONS.items())
    return render_template("penalties/staff_edit.html", form=form, decision=decision,
                           exemption_codes=codes, publish_days=publish_workdays())


@bp.route("/<int:penalty_id>")
@staff_required
def show(penalty_id: int):
    """A decision as staff see it, its public version, deadlines and actions."""
    decision = _decision_or_404(penalty_id)
    shown = public_record(decision)
    return render_template(
        "penalties/staff_show.html", decision=decision, public=shown, Status=PenaltyStatus,
        notice=withdrawal_notice(shown) if shown.withdrawn else "", today=local_today(),
        marks=marks_for("penalty", decision.id), publish_form=ConfirmForm(), change_form=ChangeForm(),
        withdraw_form=WithdrawForm())


def _act(penalty_id: int, form_class: type, action, done: str):
    """Validate ``form_class``, run ``action(decision, form)`` and flash the outcome."""
    decision = _decision_or_404(penalty_id)
    form = form_class()
    if not form.validate_on_submit():
        flash("；".join(e for errors in form.errors.values() for e in errors) or "提交无效，请重试。", "error")
    else:
        try:
            action(decision, form)
        except FieldError as exc:
            flash(exc.message, "error")
        else:
            flash(done, "success")
    return redirect(url_for("penalties_staff.show", penalty_id=decision.id))


@bp.route("/<int:penalty_id>/publish", methods=["POST"])
@staff_required
def publish(penalty_id: int):
    """Put the decision on the public list."""
    return _act(penalty_id, ConfirmForm,
                lambda d, _f: publish_decision(d, actor_id=current_user.id), "已公开，公众现在可以看到。")


@bp.route("/<int:penalty_id>/change", methods=["POST"])
@staff_required
def change(penalty_id: int):
    """Record that the decision was changed, revoked, confirmed illegal or void."""
    return _act(penalty_id, ChangeForm,
                lambda d, f: note_change(d, kind=f.kind.data, changed_on=f.changed_on.data,
                                         actor_id=current_user.id),
                "已登记，请在 3 个工作日内撤回并公开说明理由。")


@bp.route("/<int:penalty_id>/withdraw", methods=["POST"])
@staff_required
def withdraw(penalty_id: int):
    """Withdraw the decision's public record with a public statement of why."""
    return _act(penalty_id, WithdrawForm,
                lambda d, f: withdraw_decision(d, statement=f.statement.data, actor_id=current_user.id),
                "已撤回，公开页面现在只显示撤回说明。")
