"""关怀版: the elderly-friendly display mode, chosen with a plain link and kept in a cookie.

A visitor follows the switch at the top of any page (``/care-mode?to=on&next=<page>``); the
answer sets (or clears) the ``care_mode`` cookie and sends them back to the page they were on, so
no script is needed. Pages in the mode carry ``class="care"`` on ``<html>``: larger type, larger
targets, higher contrast and a simpler header, with every piece of information still shown.

The mode is part of the page cache's key (:func:`page_cache_key`), so a cached page is never served
in the other mode. The cookie holds a display preference only and is not a visitor cookie: pages
stay cacheable for visitors who chose the mode.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from flask import Flask, current_app, has_request_context, redirect, request
from werkzeug.wrappers import Request, Response

CARE_COOKIE = "care_mode"
CARE_ON = "1"
COOKIE_SECONDS = 365 * 24 * 3600
SWITCH_PATH = "/care-mode"


def care_mode_in(cookies: Mapping[str, str]) -> bool:
    """True when ``cookies`` ask for the care mode."""
    return CARE_COOKIE in cookies and cookies[CARE_COOKIE] == CARE_ON  # no KeyError raised and caught


def care_mode() -> bool:
    """True when this request's visitor chose the care mode (False outside a request)."""
    return has_request_context() and care_mode_in(request.cookies)


def page_cache_key(script_root: str, full_path: str, cookies: Mapping[str, str]) -> str:
    """The page cache's key for a page: its address, plus the mode it is shown in."""
    key = script_root + full_path
    return key + "#care" if care_mode_in(cookies) else key


def safe_return_path(target: str | None) -> str:
    """``target`` when it is a path on this site, else the home page (never another host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def switch_url_for(page: Request, cookies: Mapping[str, str] | None = None) -> str:
    """The switch's link on ``page``: into the care mode, or back to the standard one
    (``cookies``: the page's, when they were read already)."""
    here = page.full_path.rstrip("?") if page.query_string else page.path
    turn = "off" if care_mode_in(page.cookies if cookies is None else cookies) else "on"
    return f"{page.script_root}{SWITCH_PATH}?to={turn}&next={quote(here, safe='/')}"


def care_switch_url() -> str:
    """The switch's link for this request's page."""
    return switch_url_for(request)


def switch_care_mode() -> Response:
    """Set or clear the mode's cookie and go back to the page the switch was on."""
    target = request.script_root + safe_return_path(request.args.get("next"))
    response = redirect(target, code=303)
    response.headers["Cache-Control"] = "no-store"
    if request.args.get("to") == "off":
        response.delete_cookie(CARE_COOKIE, path="/")
    else:
        response.set_cookie(CARE_COOKIE, CARE_ON, max_age=COOKIE_SECONDS, path="/", httponly=True,
                            samesite="Lax", secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


def install_care_mode(app: Flask) -> None:
    """Register the switch's route and the templates' ``care_mode()`` and ``care_switch_url()``."""
    app.add_url_rule(SWITCH_PATH, endpoint="care_mode", view_func=switch_care_mode)
    app.jinja_env.globals["care_mode"] = care_mode
    app.jinja_env.globals["care_switch_url"] = care_switch_url
