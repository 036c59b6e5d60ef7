"""Public pages for service guides: categories, filterable list, detail and print view."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from portal.catalog.queries import (
    LIMIT_FILTERS,
    GuideFilter,
    categories_with_counts,
    category_by_code,
    filtered_guides,
    guide_by_slug,
)

bp = Blueprint("catalog", __name__, url_prefix="/guides")


@bp.route("/")
def index():
    """All guides, filterable by category, fee, online handling and promised time limit."""
    args = request.args
    flt = GuideFilter(
        category=args.get("category", "")[:32],
        fee=args.get("fee", "") if args.get("fee") in ("free", "paid") else "",
        online=args.get("online", "") if args.get("online") in ("yes", "no") else "",
        limit=args.get("limit", "") if args.get("limit") in dict(
            (v, v) for v, _l, _d in LIMIT_FILTERS) else "",
    )
    category = category_by_code(flt.category) if flt.category else None
    if flt.category and category is None:
        abort(404)
    return render_template(
        "catalog/index.html", guides=filtered_guides(flt), flt=flt, category=category,
        categories=categories_with_counts(), limit_filters=LIMIT_FILTERS,
    )


@bp.route("/category/<code>")
def category(code: str):
    """The guides of one category."""
    found = category_by_code(code)
    if found is None:
        abort(404)
    return render_template(
        "catalog/index.html", guides=filtered_guides(GuideFilter(category=code)),
        flt=GuideFilter(category=code), category=found, categories=categories_with_counts(),
        limit_filters=LIMIT_FILTERS,
    )


@bp.route("/<slug>")
def detail(slug: str):
    """One guide with every element, printable on A4."""
    guide = guide_by_slug(slug)
    if guide is None:
        abort(404)
    return render_template("catalog/detail.html", guide=guide, print_mode=False)


@bp.route("/<slug>/print")
def print_view(slug: str):
    """The guide laid out for printing (no navigation)."""
    guide = guide_by_slug(slug)
    if guide is None:
        abort(404)
    return render_template("catalog/detail.html", guide=guide, print_mode=True)
