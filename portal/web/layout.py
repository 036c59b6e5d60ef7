"""What every page's layout needs, built once instead of on every render.

- ``url_for`` in templates remembers the links that never vary (static files, plain endpoints);
- ``layout_links()`` gives the header's and staff navigation's links as attributes, one call per page;
- ``flashed_messages()`` shows (and consumes) the flashed messages with their categories;
- ``anonymous_site_header()`` is the site header as a visitor who is not signed in sees it: the same
  markup on every page (links, site name, the login link), rendered once per script root and
  display mode (standard or 关怀版, :mod:`portal.web.care`). Signed-in
  staff get ``_site_header.html`` rendered for them (their name, the logout form and its token).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

from flask import Flask, current_app, get_flashed_messages, has_request_context, request, url_for
from markupsafe import Markup

from portal.web.care import care_mode


def fixed_url_for(endpoint: str, **values) -> str:
    """``url_for`` for templates, remembering the links that never vary (the header's, static
    files): a page's layout builds about a dozen of them, each a route-map lookup."""
    if endpoint.startswith(".") or not has_request_context() or any(k != "filename" for k in values):
        return url_for(endpoint, **values)
    known = current_app.extensions.setdefault("portal_fixed_urls", {})
    key = (endpoint, values.get("filename"), request.script_root)
    url = known.get(key)
    if url is None:
        url = known[key] = url_for(endpoint, **values)
    return url


# The links every page's layout writes (base.html, staff/base.html), by the name templates use.
LAYOUT_LINKS = {
    "style": ("static", "style.css"), "site_js": ("static", "site.js"), "search_js": ("static", "search.js"),
    "feed": ("feeds.notice_feed", None), "home": ("public.home", None), "guides": ("catalog.index", None),
    "notices": ("notices.index", None), "search": ("search.results", None),
    "apply": ("disclosure.apply", None), "complain": ("complaints.complain", None),
    "track": ("disclosure.track", None), "progress": ("cases.lookup", None),
    "privacy": ("public.privacy", None), "checkpoints": ("audit_public.checkpoints", None),
    "favicon": ("static", "favicon.svg"),
    "suggest": ("search.suggestions", None), "login": ("accounts.login", None),
    "logout": ("accounts.logout", None), "staff_home": ("staff_home.index", None),
    "staff_requests": ("disclosure_staff.index", None), "staff_complaints": ("complaints_staff.index", None),
    "staff_consultations": ("disclosure_routing.index", None),
    "staff_cases": ("cases_staff.index", None), "staff_notices": ("notices_staff.index", None),
    "questions": ("questions.index", None), "question_statistics": ("questions.statistics", None),
    "staff_questions": ("questions_staff.index", None), "report_error": ("error_reports.report", None),
    "staff_error_reports": ("error_reports_staff.index", None), "staff_penalties": ("penalties_staff.index", None),
    "staff_new_notice": ("notices_staff.edit", None), "staff_guides": ("catalog_staff.index", None),
    "staff_calendar": ("calendar_admin.index", None), "staff_audit": ("audit.index", None),
    "staff_oversight": ("oversight.dashboard", None),
    "staff_inspection": ("inspection.index", None), "staff_annual": ("annual.index", None),
    "staff_accounts": ("accounts_staff.index", None), "own_password": ("accounts.password", None),
    "appointments": ("appointments.manage", None), "staff_appointments": ("appointments_staff.index", None),
}


class LayoutLinks:
    """``layout_links()`` in templates: the layout's links built once per script root, so a page
    pays one call instead of a ``url_for`` (a route-map lookup) per header link."""

    def __init__(self) -> None:
        self._by_root: dict[str, SimpleNamespace] = {}

    def __call__(self) -> SimpleNamespace:
        """The links for this request's script root, as attributes (``links.home``)."""
        root = request.script_root
        links = self._by_root.get(root)
        if links is None:
            links = self._by_root[root] = SimpleNamespace(**{
                name: url_for(endpoint, filename=filename) if filename else url_for(endpoint)
                for name, (endpoint, filename) in LAYOUT_LINKS.items()
            })
        return links


class AnonymousSiteHeader:
    """``anonymous_site_header()`` in templates: ``_site_header.html`` for a visitor who is not
    signed in, rendered once per script root and display mode (it holds nothing that varies by page
    or person)."""

    def __init__(self, app: Flask, links: LayoutLinks) -> None:
        self._app, self._links = app, links
        self._by_root: dict[tuple[str, bool], Markup] = {}

    def __call__(self) -> Markup:
        """The header's markup for this request's script root."""
        care = care_mode()
        key = (request.script_root, care)
        header = self._by_root.get(key)
        if header is None:
            from portal.auth.login import login_manager

            template = self._app.jinja_env.get_template("_site_header.html")
            header = Markup(template.render(links=self._links(),  # noqa: S704  (a rendered autoescaped template)
                                            current_user=login_manager.anonymous_user(), care=care))
            self._by_root[key] = header
        return header


def flashed_messages() -> list[tuple[str, str]]:
    """The flashed messages with their categories, shown (and consumed) by the layout."""
    return cast("list[tuple[str, str]]", get_flashed_messages(with_categories=True))


def install_layout_helpers(app: Flask) -> None:
    """Register the layout's helpers as Jinja globals."""
    links = LayoutLinks()
    app.jinja_env.globals["url_for"] = fixed_url_for
    app.jinja_env.globals["layout_links"] = links
    app.jinja_env.globals["anonymous_site_header"] = AnonymousSiteHeader(app, links)
    app.jinja_env.globals["flashed_messages"] = flashed_messages
