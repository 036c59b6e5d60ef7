"""Public search: the results page, the autocomplete for guide titles and the JSON API."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, make_response, render_template, request, session

from portal.catalog.queries import categories_with_counts
from portal.core.classification import PUBLIC
from portal.disclose import disclose
from portal.search.documents import type_labels
from portal.search.services import PAGES, search, suggest
from portal.web.care import page_cache_key
from portal.web.pagecache import same_for_every_visitor

bp = Blueprint("search", __name__)
PER_PAGE = 10
MAX_PAGE = 50
# Offered when the box is empty or nothing matched: what citizens ask most at the counters.
SUGGESTED_QUERIES = ("身份证丢了怎么办", "无犯罪记录证明", "驾照到期换证", "护照多久能办好",
                     "新生儿上户口", "港澳通行证", "车辆年检", "外国人住宿登记")


def _page_arg() -> int:
    try:
        return min(max(int(request.args.get("page", "1")), 1), MAX_PAGE)
    except ValueError:
        return 1


def _args() -> tuple[str, str, str, int]:
    q = request.args.get("q", "").strip()[:100]
    doc_type = request.args.get("type", "")
    doc_type = doc_type if doc_type in type_labels() else ""
    return q, doc_type, request.args.get("category", "")[:32], _page_arg()


@bp.route("/search")
def results():
    """Results grouped by type with highlighted snippets; suggestions when there are none.
    Anonymous visitors' pages are kept per process and display mode
    (:class:`portal.search.services.PageMemo`)."""
    q, doc_type, category, page = _args()
    key = PAGES.key(page_cache_key("", request.full_path, request.cookies)) \
        if q and same_for_every_visitor() else None
    body = PAGES.get(key) if key else None
    if body is not None:
        return Response(body, mimetype="text/html", headers={"X-Search-Cache": "hit"})
    found = search(q, doc_type=doc_type, category=category, page=page, per_page=PER_PAGE) if q else None
    response = make_response(render_template(
        "search/index.html", q=q, doc_type=doc_type, category=category, found=found,
        type_labels=type_labels(), suggested=SUGGESTED_QUERIES,
        categories=[] if found and found.total else  # shown only on the empty-results page
        [(disclose(c, PUBLIC), n) for c, n in categories_with_counts()],
    ))
    if found is not None:  # lets the load benchmark report its share of cached answers
        response.headers["X-Search-Cache"] = "hit" if found.cached else "miss"
    if key and response.status_code == 200 and not session.modified and "Set-Cookie" not in response.headers:
        PAGES.put(key, response.get_data())
    return response


@bp.route("/search/suggest")
def suggestions():
    """Guide titles matching what is typed so far (JSON list of {title, url})."""
    response = jsonify(suggest(request.args.get("q", "")))
    response.cache_control.public = True
    response.cache_control.max_age = 60
    return response


@bp.route("/api/v1/search")
def api_search():
    """The same search as JSON: ranked results with title, type, url, snippet and score."""
    q, doc_type, category, page = _args()
    found = search(q, doc_type=doc_type, category=category, page=page, per_page=PER_PAGE) if q else None
    results = [] if found is None else [
        {"title": hit.title.striptags(), "type": hit.doc_type, "type_label": type_labels()[hit.doc_type],
         "category": hit.category_name, "url": request.host_url.rstrip("/") + hit.url,
         "snippet": str(hit.snippet), "score": hit.score}
        for hit in found.hits]
    return jsonify({"query": q, "type": doc_type, "page": page,
                    "total": found.total if found else 0, "pages": found.pages if found else 0,
                    "results": results})
