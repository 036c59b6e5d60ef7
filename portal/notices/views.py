"""Public pages for notices."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from portal.core.classification import PUBLIC
from portal.disclose import disclose, disclose_all
from portal.extensions import db
from portal.notices.models import NOTICE_KINDS
from portal.notices.queries import public_notice, public_notices
from portal.web.input_guard import query_int

bp = Blueprint("notices", __name__, url_prefix="/notices")
PAGE_SIZE = 20


@bp.route("/")
def index():
    """Public notices, newest first, optionally of one column, paginated."""
    kind = request.args.get("kind", "")
    query = public_notices()
    if kind in NOTICE_KINDS:
        query = query.filter_by(kind=kind)
    else:
        kind = ""
    page = db.paginate(query, page=query_int("page", 1), per_page=PAGE_SIZE, error_out=False)
    pager = {"page": page.page, "pages": page.pages, "prev_num": page.prev_num,
             "next_num": page.next_num, "has_prev": page.has_prev, "has_next": page.has_next}
    return render_template("notices/index.html", notices=disclose_all(page.items, PUBLIC),
                           pager=pager, kind=kind, kinds=NOTICE_KINDS)


@bp.route("/<int:notice_id>")
def detail(notice_id: int):
    """One public notice."""
    notice = public_notice(notice_id)
    if notice is None:
        abort(404)
    return render_template("notices/detail.html", notice=disclose(notice, PUBLIC))
