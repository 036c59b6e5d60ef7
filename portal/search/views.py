"""Public search: the results page, the autocomplete for guide titles and the JSON API.

Visitors without a session get the results page before Flask builds a request
(:mod:`portal.search.direct`); the view here answers everybody else, the same page.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, make_response, render_template, request, session, url_for

from portal.search.documents import type_labels
from portal.search.page import SearchLinks, memo_key, page_title, results_context, results_for, search_args
from portal.search.services import PAGES, suggest
from portal.web.pagecache import same_for_every_visitor

bp = Blueprint("search", __name__)


@bp.route("/search")
def results():
    """Results grouped by type with highlighted snippets; suggestions when there are none.
    Pages that look the same to every visitor are kept per process and display mode
    (:class:`portal.search.services.PageMemo`)."""
    args = search_args(request.args)
    key = memo_key(request.full_path, request.cookies) if args.q and same_for_every_visitor() else None
    body = PAGES.get(key) if key else None
    if body is not None:
        return Response(body, mimetype="text/html", headers={"X-Search-Cache": "hit"})
    links = SearchLinks(url_for("search.results"), url_for("search.suggestions"),
                        lambda code: url_for("catalog.category", code=code))
    context = results_context(args, links)
    response = make_response(render_template("search/index.html", title=page_title(args.q), **context))
    if context["found"] is not None:  # lets the load benchmark report its share of cached answers
        response.headers["X-Search-Cache"] = "hit" if context["found"].cached else "miss"
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
    args = search_args(request.args)
    found = results_for(args)
    results = [] if found is None else [
        {"title": hit.title.striptags(), "type": hit.doc_type, "type_label": type_labels()[hit.doc_type],
         "category": hit.category_name, "url": request.host_url.rstrip("/") + hit.url,
         "snippet": str(hit.snippet), "score": hit.score}
        for hit in found.hits]
    return jsonify({"query": args.q, "type": args.doc_type, "page": args.page,
                    "total": found.total if found else 0, "pages": found.pages if found else 0,
                    "results": results})
