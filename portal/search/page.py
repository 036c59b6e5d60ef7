"""The search results page: its arguments, title and content, shared by the view
(:mod:`portal.search.views`) and by the answer given before Flask (:mod:`portal.search.direct`).

The page is the layout (``base.html``) around the results (``search/_results.html``); both ways of
answering render that same fragment from the same context, so a visitor gets the same page
whichever way it was made.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from portal.catalog.queries import categories_with_counts
from portal.core.classification import PUBLIC
from portal.disclose import disclose
from portal.public_content import for_this_generation
from portal.search.documents import type_labels
from portal.search.reading import SearchResults
from portal.search.services import PAGES, search
from portal.web.care import page_cache_key

PER_PAGE = 10
MAX_PAGE = 50
MAX_QUERY = 100  # characters of the query that are searched and shown
# Offered when the box is empty or nothing matched: what citizens ask most at the counters.
SUGGESTED_QUERIES = ("身份证丢了怎么办", "无犯罪记录证明", "驾照到期换证", "护照多久能办好",
                     "新生儿上户口", "港澳通行证", "车辆年检", "外国人住宿登记")


@dataclass(frozen=True)
class SearchArgs:
    """What a search page was asked for: the query, a document type, a guide category, a page."""

    q: str
    doc_type: str
    category: str
    page: int


def _page_number(raw: str) -> int:
    try:
        return min(max(int(raw), 1), MAX_PAGE)
    except ValueError:
        return 1


def _arg(args: Mapping[str, str], name: str, default: str = "") -> str:
    # looked for first: a missing key costs Werkzeug's MultiDict.get an exception
    return args[name] if name in args else default  # noqa: SIM401


def search_args(args: Mapping[str, str]) -> SearchArgs:
    """The page's arguments from a query string; unknown types and bad page numbers are dropped."""
    doc_type = _arg(args, "type")
    return SearchArgs(q=_arg(args, "q").strip()[:MAX_QUERY],
                      doc_type=doc_type if doc_type in type_labels() else "",
                      category=_arg(args, "category")[:32], page=_page_number(_arg(args, "page", "1")))


@dataclass(frozen=True)
class SearchLinks:
    """The addresses the results link to (the page needs no request to render)."""

    search: str
    suggest: str
    category: Callable[[str], str]  # a guide category's code → its page


def page_title(q: str) -> str:
    """The page's title (before the site's name)."""
    return f"“{q}”的搜索结果" if q else "站内搜索"


def memo_key(full_path: str, cookies: Mapping[str, str]) -> tuple:
    """The page memo's key of a results page request (:data:`portal.search.services.PAGES`),
    the same whether the view or the answer before Flask makes the page."""
    return PAGES.key(page_cache_key("", full_path, cookies))


def results_for(args: SearchArgs) -> SearchResults | None:
    """The asked-for page of results, or None without a query (the page and the JSON API)."""
    if not args.q:
        return None
    return search(args.q, doc_type=args.doc_type, category=args.category, page=args.page, per_page=PER_PAGE)


def _categories() -> tuple[tuple[str, str, int], ...]:
    """(name, code, number of guides) of every guide category, as the public sees them."""
    shown = ((disclose(category, PUBLIC), n) for category, n in categories_with_counts())
    return tuple((category.name, category.code, n) for category, n in shown)


class TypeTabs(NamedTuple):
    """The page's tabs: every result, then each document type that has results (key, name, count)."""

    total: int
    types: tuple[tuple[str, str, int], ...]


def type_tabs(found: SearchResults | None) -> TypeTabs:
    """The tabs of ``found``, types in the order :func:`type_labels` gives them."""
    counts = found.type_counts if found else {}
    return TypeTabs(sum(counts.values()), tuple((key, label, counts[key]) for key, label in type_labels().items()
                                                if counts.get(key)))


def results_context(args: SearchArgs, links: SearchLinks) -> dict[str, Any]:
    """Everything ``search/_results.html`` shows: the results (None without a query), the type
    tabs (:func:`type_tabs`), and the suggestions and guide categories (name, link, guides) offered when nothing
    matched."""
    found = results_for(args)
    categories = [] if found and found.total else [  # shown only on the empty-results page
        (name, links.category(code), n) for name, code, n in for_this_generation("search.categories", _categories)]
    return {"q": args.q, "doc_type": args.doc_type, "category": args.category, "found": found,
            "tabs": type_tabs(found), "suggested": SUGGESTED_QUERIES, "categories": categories,
            "links": links}
