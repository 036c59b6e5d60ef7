"""Home page and the entry points to every public service."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for

from portal.catalog.queries import categories_with_counts, guide_count
from portal.core.classification import PUBLIC
from portal.disclose import disclose, disclose_all
from portal.notices.queries import latest_public_notices

bp = Blueprint("public", __name__)

# Online services on the home page: (key, label, text, endpoint). An endpoint of None means
# the service is not open online yet and its page says how to get it offline.
ENTRY_POINTS = (
    ("apply", "申请信息公开", "依申请公开政府信息，全程可查进度", "disclosure.apply"),
    ("track", "查询办理进度", "凭编号和查询码查询信息公开申请或投诉的办理进度", "disclosure.track"),
    ("complain", "投诉", "对民警执法和服务提出投诉", "complaints.complain"),
    ("complaint-stats", "投诉统计与处理公开", "投诉办理情况、按时答复率与处理结果公开",
     "complaints.statistics"),
    ("performance", "办理时效公开", "各部门按时办结率、平均办理时间和满意度", "accountability.performance"),
    ("progress", "案件进度查询", "报案人、被害人、当事人查询案件办理进度", "cases.lookup"),
    ("penalties", "执法结果公开", "行政处罚决定书文号、处罚机关、违法事实、依据和处罚内容", "penalties.index"),
)


@bp.route("/")
def home():
    """Latest notices, service categories and entry points."""
    return render_template(
        "public/home.html",
        notices=disclose_all(latest_public_notices(), PUBLIC),
        categories=[(disclose(c, PUBLIC), n) for c, n in categories_with_counts()],
        guide_total=guide_count(),
        entry_points=[
            {"label": label, "text": text,
             "url": url_for(endpoint) if endpoint else url_for("public.coming", name=key)}
            for key, label, text, endpoint in ENTRY_POINTS
        ],
    )


@bp.route("/services/<name>")
def coming(name: str):
    """A public service not yet open online: says so plainly and gives the offline route."""
    entry = next((e for e in ENTRY_POINTS if e[0] == name and e[3] is None), None)
    if entry is None:
        abort(404)
    return render_template("public/coming.html", entry=entry)


@bp.route("/privacy")
def privacy():
    """个人信息保护说明: what the portal collects, why, for how long, who sees it, and the party's rights."""
    return render_template("public/privacy.html")


@bp.route("/favicon.ico")
def favicon():
    """Browsers that ask for the classic icon path get the site's SVG icon."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.route("/healthz")
def healthz():
    """Liveness probe for the process manager."""
    return {"status": "ok"}
