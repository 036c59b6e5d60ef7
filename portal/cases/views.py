"""The party's lookup: case number + query code + last four ID characters → the case's stages.

One answer for every failure (no such case, wrong code, wrong ID digits): same message, same
status, same work. Failures are counted per client address and per (address, case number), never
per case number alone, so nobody can lock a party out of their case (failures against a case from
every address only slow later lookups of it down); every lookup is audited. A
successful lookup is remembered in the session under a random token, so no guessable id ever
appears in a URL; the page is never cached.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Blueprint, Response, abort, redirect, render_template, request, session, url_for

from portal.audit.services import record
from portal.auth import throttle
from portal.cases.forms import ProgressLookupForm
from portal.cases.models import CASE_TYPES, Case, CaseParty
from portal.cases.services import find_party, normalize_case_no
from portal.cases.stages import KIND_STAGES, REASON_STAGES, stage_label
from portal.core.classification import PUBLIC
from portal.disclose import disclose, disclose_all
from portal.extensions import db
from portal.web import keep_writes_despite_status

bp = Blueprint("cases", __name__)
ADDRESS_LIMIT = 10  # failed lookups per client address ...
CASE_LIMIT = 5  # ... and per case number from that address ...
LOCK = timedelta(minutes=15)  # ... within this window, then locked for it
SESSION_KEY = "case_progress"
KEEP_VIEWS = 5
NOT_FOUND = "案件编号、查询码或证件号码后四位不正确。请核对受案回执后重试，或拨打回执上的办案单位电话。"
LOCKED = "查询失败次数过多，请 15 分钟后再试。"


@bp.after_request
def never_cache(response: Response) -> Response:
    """A party's case is nobody else's: no browser or proxy may keep these pages."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _audit(case_no: str, outcome: str) -> None:
    record("case.lookup", user_id=None, target_type="case", target_id=case_no[:64],
           detail={"case_no": case_no, "outcome": outcome})


@bp.route("/progress", methods=["GET", "POST"])
def lookup():
    """The lookup form; a match redirects to the party's view of the case."""
    form = ProgressLookupForm()
    if not form.is_submitted():
        return render_template("cases/lookup.html", form=form, message=None)
    if not form.validate():
        return render_template("cases/lookup.html", form=form, message=None), 422
    keep_writes_despite_status()  # failure counters and audit rows outlive the 404
    case_no = normalize_case_no(form.case_no.data)
    attempt = throttle.Attempt.of("progress", request.remote_addr, case_no, per_address=ADDRESS_LIMIT,
                                  per_pair=CASE_LIMIT, window=LOCK)
    if attempt.admit():
        _audit(case_no, "throttled")
        return render_template("cases/lookup.html", form=form, message=LOCKED), 429
    party = find_party(case_no, form.query_code.data, form.id_last4.data)
    if party is None:
        attempt.failed()
        _audit(case_no, "not_found")
        form.query_code.data = form.id_last4.data = ""  # never echo a secret
        return render_template("cases/lookup.html", form=form, message=NOT_FOUND), 404
    attempt.succeeded()
    _audit(case_no, "found")
    token = secrets.token_urlsafe(16)
    earlier = session.get(SESSION_KEY)
    views = dict(earlier) if isinstance(earlier, dict) else {}
    views[token] = [party.case_id, party.id]
    session[SESSION_KEY] = dict(list(views.items())[-KEEP_VIEWS:])
    return redirect(url_for("cases.progress", token=token), 303)


def party_view(case: Case) -> dict:
    """What a party may see of ``case``, built field by field from the public disclosure.

    Only the fields 《公安机关执法公开规定》 gives a party are copied; anything else the filter
    might pass (a mis-declared column) never reaches the template.
    """
    shown = disclose(case, PUBLIC)
    department = shown.get("department") or {}
    stages: list[dict] = []
    reasons: list[str] = []
    for stage in disclose_all(case.stages, PUBLIC):
        code = stage.get("stage", "")
        stages.append({
            "label": stage_label(code, shown.get("case_type", "")),
            "day": stage.get("day"),
            "kind": stage.get("kind", "") if code in KIND_STAGES else "",
            "reason": stage.get("reason", "") if code in REASON_STAGES else "",
        })
        if code in REASON_STAGES:
            reasons.extend(r for r in stage.get("withheld_reasons", []) if r not in reasons)
    return {
        "case_no": shown.get("case_no", ""),
        "case_type": CASE_TYPES.get(shown.get("case_type", ""), ""),
        "unit": department.get("name", ""),
        "unit_phone": shown.get("unit_phone", ""),
        "closed": shown.get("closed_on") is not None,
        "stages": stages,
        "withheld_reasons": reasons,
    }


@bp.route("/progress/<token>")
def progress(token: str):
    """The party's view of the case found by this session's lookup."""
    views = session.get(SESSION_KEY)
    entry = views.get(token) if isinstance(views, dict) else None
    if not isinstance(entry, list) or len(entry) != 2:
        abort(404)
    case, party = db.session.get(Case, entry[0]), db.session.get(CaseParty, entry[1])
    if case is None or party is None or party.case_id != case.id:
        abort(404)
    return render_template("cases/progress.html", case=party_view(case))
