"""Back-office pages for cases: the list by due date, recording a case, its stages and parties,
the printable receipt with a party's query code, and the administrator's stage time limits.

Staff see and handle their own unit's cases; supervisors and administrators all of them.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.accounts.models import Role
from portal.audit.services import record
from portal.auth.access import department_choices, role_required, staff_required
from portal.cases import policy as policies
from portal.cases.forms import CaseForm, PartyForm, StageForm
from portal.cases.models import CASE_TYPES, PARTY_ROLES, Case, CaseParty
from portal.cases.queries import STATES, TIMINGS, CaseFilter, case_list
from portal.cases.services import (
    add_party,
    add_stage,
    create_case,
    recompute_open_cases,
    reissue_code,
)
from portal.cases.stages import KINDS, STAGES, stage_label
from portal.core.classification import PUBLIC
from portal.core.errors import FieldError
from portal.core.timefmt import local_today
from portal.disclose import disclose, disclose_all, viewer_of
from portal.extensions import db
from portal.web.form_posts import REFUSED, apply_form
from portal.web.input_guard import whole_number

bp = Blueprint("cases_staff", __name__, url_prefix="/staff/cases")
MAX_POLICY_DAYS = 730


def _scope() -> int | None:
    """The unit whose cases the user handles (None: all of them)."""
    return None if current_user.is_overseer else current_user.department_id


def _case_or_404(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None:
        abort(404)
    scope = _scope()
    if scope is not None and case.department_id != scope:
        abort(403)
    return case


@bp.route("/")
@staff_required
def index():
    """Cases sorted by when their next stage is due, with 逾期 / 3 日内到期 filters."""
    args = request.args
    flt = CaseFilter(timing=args.get("timing", "") if args.get("timing") in TIMINGS else "",
                     case_type=args.get("type", "") if args.get("type") in CASE_TYPES else "",
                     state=args.get("state", "") if args.get("state") in STATES else "")
    today = local_today()
    rows = list(db.session.scalars(case_list(_scope(), flt, today)))
    return render_template("cases/staff_index.html", rows=rows, flt=flt, today=today,
                           timings=TIMINGS, states=STATES, case_types=CASE_TYPES,
                           stage_label=stage_label)


def _receipt(case: Case, party: CaseParty, code: str, reissued: bool = False):
    """The printable 受案回执 with the query code: the only time the code is ever shown."""
    shown = disclose(case, PUBLIC)
    accepted = disclose_all(case.stages[:1], PUBLIC)
    return render_template(
        "cases/receipt.html", case_no=shown["case_no"], case_type=CASE_TYPES[shown["case_type"]],
        unit=shown["department"]["name"], unit_phone=shown["unit_phone"],
        accepted_on=accepted[0]["day"] if accepted else None,
        role=PARTY_ROLES.get(party.role, "当事人"), code=code, reissued=reissued,
        lookup_url=url_for("cases.lookup", _external=True),
        back_url=url_for("cases_staff.show", case_id=case.id))


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new():
    """Record a case, its 受案 date and (optionally) a first party, whose receipt follows."""
    if not current_user.is_overseer and current_user.department_id is None:
        abort(403)
    form, party_form = CaseForm(prefix="case"), PartyForm(prefix="party")
    form.department_id.choices = department_choices()
    if not form.is_submitted():
        form.accepted_on.data = local_today()
        return render_template("cases/staff_new.html", form=form, party_form=party_form)
    with_party = not party_form.is_blank()
    valid = form.validate()
    valid = (party_form.validate() if with_party else True) and valid
    if valid:
        try:
            case = create_case(
                case_no=form.case_no.data, case_type=form.case_type.data,
                department_id=form.department_id.data, officer_in_charge=form.officer_in_charge.data,
                unit_phone=form.unit_phone.data, accepted_on=form.accepted_on.data,
                note=form.note.data or "", actor_id=current_user.id)
            party, code = (add_party(case, role=party_form.role.data, name=party_form.name.data,
                                     id_last4=party_form.id_last4.data, email=party_form.email.data,
                                     actor_id=current_user.id)
                           if with_party else (None, ""))
        except FieldError as exc:
            db.session.rollback()
            target = getattr(form, exc.field, None) or getattr(party_form, exc.field, form.case_no)
            target.errors = [*target.errors, exc.message]
        else:
            if party is None:
                flash("案件已登记。请在下方添加报案人、被害人或当事人。", "success")
                return redirect(url_for("cases_staff.show", case_id=case.id))
            return _receipt(case, party, code)
    return render_template("cases/staff_new.html", form=form, party_form=party_form), 422


def _stage_form(case: Case, form: StageForm | None = None) -> StageForm:
    form = form or StageForm(prefix="stage")
    form.kind.choices = [SelectChoice("", "（不适用）")] + [
        SelectChoice(kind, f"{STAGES[stage]}：{kind}")
        for (case_type, stage), kinds in KINDS.items() if case_type == case.case_type
        for kind in kinds]
    if not form.is_submitted():
        form.day.data = local_today()
    return form


def _render(case: Case, status: int = 200, *, stage_form: StageForm | None = None,
            party_form: PartyForm | None = None):
    viewer = viewer_of(current_user)
    parties = [(party, disclose(party, viewer)) for party in case.parties]
    return render_template(
        "cases/staff_show.html", case=case, parties=parties, today=local_today(),
        stage_form=_stage_form(case, stage_form), party_form=party_form or PartyForm(prefix="party"),
        case_types=CASE_TYPES, roles=PARTY_ROLES, stage_label=stage_label), status


@bp.route("/<int:case_id>")
@staff_required
def show(case_id: int):
    """One case: its facts, stages (with internal notes), parties, and the forms to go on."""
    return _render(_case_or_404(case_id))


@bp.route("/<int:case_id>/stages", methods=["POST"])
@staff_required
def stage(case_id: int):
    """Record the next stage (the order rules decide whether it may follow)."""
    case = _case_or_404(case_id)
    form = _stage_form(case)
    done = apply_form(form, lambda: add_stage(
        case, stage=form.stage.data, day=form.day.data, kind=form.kind.data or "",
        reason=form.reason.data or "", note=form.note.data or "", actor_id=current_user.id), fallback="stage")
    if done is REFUSED:
        return _render(case, 422, stage_form=form)
    flash("已记录。", "success")
    return redirect(url_for("cases_staff.show", case_id=case_id))


@bp.route("/<int:case_id>/parties", methods=["POST"])
@staff_required
def party(case_id: int):
    """Add a party; the answer is their receipt with the query code."""
    case = _case_or_404(case_id)
    form = PartyForm(prefix="party")
    done = apply_form(form, lambda: add_party(
        case, role=form.role.data, name=form.name.data, id_last4=form.id_last4.data,
        email=form.email.data or "", actor_id=current_user.id), fallback="name")
    if done is REFUSED:
        return _render(case, 422, party_form=form)
    added, code = done
    return _receipt(case, added, code)


@bp.route("/<int:case_id>/parties/<int:party_id>/code", methods=["POST"])
@staff_required
def reissue(case_id: int, party_id: int):
    """Issue a new query code to a party who lost theirs; the old one stops working."""
    case = _case_or_404(case_id)
    found = db.session.get(CaseParty, party_id)
    if found is None or found.case_id != case.id:
        abort(404)
    return _receipt(case, found, reissue_code(found, actor_id=current_user.id), reissued=True)


@bp.route("/policies", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def policy_page():
    """The days from each stage to the next (every default an example until confirmed)."""
    policies.ensure_rows()
    rows = policies.effective_policies()
    errors: dict[int, str] = {}
    if request.method == "POST":
        wanted = {}
        for number in range(len(rows)):
            text = request.form.get(f"days-{number}", "").strip()
            days = whole_number(text, MAX_POLICY_DAYS)
            if text and (days is None or days < 1):
                errors[number] = f"请填写 1–{MAX_POLICY_DAYS} 的整数，或留空表示不提醒。"
            wanted[number] = (days,
                              request.form.get(f"confirm-{number}") == "1")
        if not errors:
            changed = [row.key for number, row in enumerate(rows)
                       if policies.save_policy(row, *wanted[number], actor_id=current_user.id)]
            if changed:
                db.session.flush()
                recomputed = recompute_open_cases()
                record("case.policies", user_id=current_user.id, target_type="case_policy",
                       detail={"changed": [list(key) for key in changed], "recomputed": recomputed})
            flash(f"已保存，{len(changed)} 项有变化，未办结案件的期限已重新计算。", "success")
            return redirect(url_for("cases_staff.policy_page"))
    return render_template("cases/staff_policies.html", rows=rows, errors=errors,
                           case_types=CASE_TYPES, stage_label=stage_label,
                           form_values=request.form if errors else None), 422 if errors else 200
