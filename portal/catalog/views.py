"""Public pages for service guides: categories, filterable list, detail and print view."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from portal.catalog.measured import measured_for_guide
from portal.catalog.queries import (
    LIMIT_FILTERS,
    GuideFilter,
    categories_with_counts,
    category_by_code,
    filtered_guides,
    guide_by_slug,
)
from portal.core.classification import PUBLIC
from portal.core.timefmt import local_today
from portal.disclose import disclose, disclose_all
from portal.guide_links import links_for_guide

bp = Blueprint("catalog", __name__, url_prefix="/guides")


def _render_list(flt: GuideFilter):
    category = category_by_code(flt.category) if flt.category else None
    if flt.category and category is None:
        abort(404)
    return render_template(
        "catalog/index.html", guides=disclose_all(filtered_guides(flt), PUBLIC), flt=flt,
        category=disclose(category, PUBLIC) if category else None,
        categories=[(disclose(c, PUBLIC), n) for c, n in categories_with_counts()],
        limit_filters=LIMIT_FILTERS,
    )


@bp.route("/")
def index():
    """All guides, filterable by category, fee, online handling and promised time limit."""
    return _render_list(GuideFilter.from_args(request.args))


@bp.route("/category/<code>")
def category(code: str):
    """The guides of one category, with the same filters."""
    return _render_list(GuideFilter.from_args(request.args, category=code))


def _render_detail(slug: str, print_mode: bool):
    guide = guide_by_slug(slug)
    if guide is None:
        abort(404)
    # Recomputed on each render; the page cache drops the page when a matter is closed (a write)
    # and after PAGE_CACHE_SECONDS, so the figure is never older than that.
    measured = measured_for_guide(guide.slug, guide.statutory_unit, local_today())
    return render_template("catalog/detail.html", guide=disclose(guide, PUBLIC), measured=measured,
                           print_mode=print_mode, actions=links_for_guide(guide.id, guide.slug))


@bp.route("/<slug>")
def detail(slug: str):
    """One guide with every element (and, where the portal measures it, the measured time)."""
    return _render_detail(slug, print_mode=False)


@bp.route("/<slug>/print")
def print_view(slug: str):
    """The guide laid out for printing (no navigation)."""
    return _render_detail(slug, print_mode=True)
