"""The public record of the audit chain's daily checkpoints: a page and an Atom feed.

Anyone may keep these hashes; a later rewrite of the audit log before a kept checkpoint is
caught by ``portal audit verify --checkpoint SEQ:HASH``. Checkpoints hold counts and hashes only,
disclosed through :func:`portal.disclose.disclose` like every public output.
"""

from __future__ import annotations

from flask import Blueprint, make_response, render_template, url_for

from portal.audit.checkpoints import published
from portal.audit.models import AuditCheckpoint
from portal.core.classification import PUBLIC
from portal.disclose import disclose_all
from portal.extensions import db
from portal.web.input_guard import query_int

bp = Blueprint("audit_public", __name__, url_prefix="/audit")
PAGE_SIZE = 60
FEED_SIZE = 30


@bp.route("/checkpoints")
def checkpoints():
    """Every published checkpoint, newest first, paginated."""
    page = db.paginate(db.select(AuditCheckpoint).order_by(AuditCheckpoint.day.desc()),
                       page=query_int("page", 1), per_page=PAGE_SIZE, error_out=False)
    pager = {"page": page.page, "pages": page.pages, "prev_num": page.prev_num,
             "next_num": page.next_num, "has_prev": page.has_prev, "has_next": page.has_next}
    return render_template("audit/checkpoints.html", checkpoints=disclose_all(page.items, PUBLIC),
                           pager=pager)


@bp.route("/checkpoints.xml")
def checkpoint_feed():
    """Atom feed of the newest checkpoints, one entry a day."""
    response = make_response(render_template(
        "feeds/audit_checkpoints.xml", checkpoints=disclose_all(published(FEED_SIZE), PUBLIC),
        feed_url=url_for("audit_public.checkpoint_feed", _external=True)))
    response.mimetype = "application/atom+xml"
    return response
