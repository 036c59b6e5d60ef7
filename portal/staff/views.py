"""The back office's landing page: what needs the user's attention."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import func, select

from portal.auth.access import staff_required
from portal.catalog.queries import guides_overdue_for_review
from portal.core.timefmt import local_today
from portal.disclosure.routing_queries import waiting_for
from portal.extensions import db
from portal.matters.models import Matter
from portal.notices.models import Notice, NoticeStatus
from portal.notices.queries import notices_overdue_for_review

bp = Blueprint("staff_home", __name__, url_prefix="/staff")


@bp.route("/")
@staff_required
def index():
    """Drafts and content overdue for review (stale content is a named failure)."""
    today = local_today()
    department = None if current_user.is_overseer else current_user.department_id
    stale_notices = [n for n in notices_overdue_for_review(today)
                     if department is None or n.department_id == department]
    drafts = select(Notice).where(Notice.status == NoticeStatus.DRAFT.value)
    if department is not None:
        drafts = drafts.where(Notice.department_id == department)
    return render_template(
        "staff/index.html",
        stale_guides=guides_overdue_for_review(today, department),
        stale_notices=stale_notices,
        drafts=list(db.session.scalars(drafts.order_by(Notice.updated_at.desc()))),
        provisional=db.session.scalar(select(func.count(Matter.id)).where(
            Matter.closed_on.is_(None), Matter.due_provisional.is_(True))) or 0,
        consultations=waiting_for(current_user.department_id, today) if current_user.department_id else (0, 0),
        today=today,
    )
