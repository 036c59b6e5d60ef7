"""The supervisor's audit page: search the log and check the chain."""

from __future__ import annotations

from datetime import date, datetime, time

from flask import Blueprint, render_template, request, url_for
from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.audit.chain import verify
from portal.audit.models import AuditEvent
from portal.auth.access import role_required
from portal.core.timefmt import local_to_utc
from portal.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/staff/audit")
PAGE_SIZE = 50


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@bp.route("/")
@role_required(Role.SUPERVISOR, Role.ADMIN)
def index():
    """Audit events filtered by user, matter (target), action and date range, newest first."""
    args = request.args
    query = select(AuditEvent).order_by(AuditEvent.seq.desc())
    username = args.get("user", "").strip()
    if username:
        query = query.join(User, User.id == AuditEvent.user_id).where(User.username == username)
    if args.get("target"):
        query = query.where(AuditEvent.target_id == args["target"].strip())
    if args.get("action"):
        query = query.where(AuditEvent.action.startswith(args["action"].strip()))
    start, end = _day(args.get("from")), _day(args.get("to"))
    if start:
        query = query.where(AuditEvent.created_at >= local_to_utc(datetime.combine(start, time.min)))
    if end:
        query = query.where(AuditEvent.created_at <= local_to_utc(datetime.combine(end, time.max)))
    page = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    verdict = verify() if args.get("verify") else None
    kept = {key: value for key, value in args.items() if key not in ("page", "verify")}
    return render_template("audit/staff_index.html", page=page, args=args, verdict=verdict,
                           page_url=lambda number: url_for("audit.index", page=number, **kept))
