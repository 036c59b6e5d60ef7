"""Home page and the entry points to every public service."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from portal.catalog.queries import categories_with_counts, guide_count
from portal.core.classification import PUBLIC
from portal.disclose import disclose, disclose_all
from portal.notices.queries import latest_public_notices

bp = Blueprint("public", __name__)

# Services that later work fills; each shows what it will offer until then.
ENTRY_POINTS = (
    ("apply", "申请信息公开", "依申请公开政府信息，全程可查进度"),
    ("complain", "投诉", "对民警执法和服务提出投诉"),
    ("progress", "案件进度查询", "报案人、被害人、当事人查询案件办理进度"),
)


@bp.route("/")
def home():
    """Latest notices, service categories and entry points."""
    return render_template(
        "public/home.html",
        notices=disclose_all(latest_public_notices(), PUBLIC),
        categories=[(disclose(c, PUBLIC), n) for c, n in categories_with_counts()],
        guide_total=guide_count(),
        entry_points=ENTRY_POINTS,
    )


@bp.route("/services/<name>")
def coming(name: str):
    """A public service not yet open online: says so plainly and gives the offline route."""
    entry = next((e for e in ENTRY_POINTS if e[0] == name), None)
    if entry is None:
        abort(404)
    return render_template("public/coming.html", entry=entry)


@bp.route("/healthz")
def healthz():
    """Liveness probe for the process manager."""
    return {"status": "ok"}
