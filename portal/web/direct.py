"""Pages answered before Flask builds a request, for visitors without a session.

A few public pages are worked out afresh on every request and are asked for far more often than
they change in shape: the search results page above all. For a visitor who carries neither a
session nor a remember-me cookie such a page looks the same as for any other visitor: nobody is
signed in, no flashed message waits, no form holds a CSRF token. :class:`DirectAnswers` lets a
feature answer a ``GET`` of its path itself at that point, skipping the request hooks that only
matter to visitors with state (session lifetime, Flask-Login, CSRF, the transaction hooks).

It sits inside the page cache and the security headers (:func:`portal.web.install_web`), so its
answers carry the same headers as every other page. A request it cannot answer goes on to Flask
unchanged: one with a visitor cookie, unusable input (which Flask refuses with its 400 page),
an answer function that returns None, or one that fails (logged; Flask then answers, with its
error pages and busy-database handling).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

from flask import Flask
from jinja2 import Environment
from jinja2.defaults import DEFAULT_NAMESPACE
from werkzeug.http import parse_cookie
from werkzeug.wrappers import Request

from portal.web.input_guard import address_is_unusable
from portal.web.template_guard import refuse_model_objects_in_public_templates

log = logging.getLogger(__name__)

FRAGMENT_TEMPLATES = 64  # compiled fragment templates kept per app
VISIT_KEY = "portal.anonymous_get"  # the environ key of a request's AnonymousGets verdict
Answer = Callable[["AnonymousGet"], "HtmlPage | None"]


def visitor_cookie_names(app: Flask) -> frozenset[str]:
    """The cookies that mark a visitor with state: the session and the remember-me cookie."""
    config = app.config
    return frozenset({config.get("SESSION_COOKIE_NAME", "session"),
                      config.get("REMEMBER_COOKIE_NAME", "remember_token")})


class HtmlPage(NamedTuple):
    """A finished HTML page as a WSGI application: ``200 OK``, its body and its own headers
    (a Werkzeug response would work out again what is already known here)."""

    body: bytes
    headers: tuple[tuple[str, str], ...] = ()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        """Start the response and give the body."""
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                  ("Content-Length", str(len(self.body))), *self.headers])
        return [self.body]


class AnonymousGet(NamedTuple):
    """A ``GET`` of a visitor without state: its request and its cookies (read straight from
    the environ: cheaper than through the request's headers)."""

    request: Request
    cookies: Mapping[str, str]


class AnonymousGets:
    """Which requests are ``GET`` requests of a visitor without state (no session or remember-me
    cookie): the layers in front of Flask answer only those."""

    def __init__(self, app: Flask) -> None:
        self.visitor_cookies = visitor_cookie_names(app)

    def visit(self, environ: dict) -> AnonymousGet | None:
        """The request of ``environ`` and its cookies when it is such a ``GET``, else None.
        Worked out once per request whichever layer asks first, and kept in the environ under
        :data:`VISIT_KEY` for the layers after it."""
        if environ.get("REQUEST_METHOD") != "GET":
            return None
        if VISIT_KEY in environ:
            return environ[VISIT_KEY]
        cookies = parse_cookie(environ)
        found = None if self.visitor_cookies & cookies.keys() else AnonymousGet(Request(environ), cookies)
        environ[VISIT_KEY] = found
        return found


class DirectAnswers:
    """WSGI middleware: a cookie-less ``GET`` of a registered path is answered by that path's
    function when it gives a response; everything else goes on to the app."""

    def __init__(self, wsgi_app: Callable, app: Flask) -> None:
        self.wsgi_app = wsgi_app
        self.answers: dict[str, Answer] = {}
        self.anonymous = AnonymousGets(app)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        """Answer from the path's function when it can, else call the app."""
        path = environ.get("PATH_INFO", "")
        answer = self.answers.get(path)
        visit = self.anonymous.visit(environ) if answer is not None else None
        if answer is not None and visit is not None and not address_is_unusable(environ):
            try:
                response = answer(visit)
            except Exception:  # Flask answers instead, with its error pages and retries
                log.exception("direct answer for %s failed; the app answers instead", path)
                response = None
            if response is not None:
                return response(environ, start_response)
        return self.wsgi_app(environ, start_response)


def install_direct_answers(app: Flask) -> None:
    """Put the direct answers in front of the app (call before the page cache is installed)."""
    direct = DirectAnswers(app.wsgi_app, app)
    app.extensions["direct_answers"] = direct
    app.wsgi_app = direct  # type: ignore[method-assign]


def answer_directly(app: Flask, path: str, answer: Answer) -> None:
    """Let ``answer`` serve cookie-less ``GET`` requests of ``path`` (returning None passes the
    request on to the app)."""
    app.extensions["direct_answers"].answers[path] = answer


def fragment_templates(app: Flask) -> Environment:
    """The app's templates as fragments see them: the same loader, filters and settings, but
    only Jinja's own globals (no request, session or layout helpers to look through)."""
    found = app.extensions.get("fragment_templates")
    if found is None:
        # a cache of its own: templates compiled for the app's environment carry its globals
        found = app.extensions["fragment_templates"] = app.jinja_env.overlay(cache_size=FRAGMENT_TEMPLATES)
        found.globals = dict(DEFAULT_NAMESPACE)
    return found


def render_fragment(app: Flask, name: str, context: dict) -> str:
    """The template ``name`` rendered from ``context`` alone, for a page answered here: no
    request, so none of the request's context processors, template signals or globals; the
    template guard still checks the context (a model object fails closed, as with
    ``render_template``)."""
    template = fragment_templates(app).get_template(name)
    refuse_model_objects_in_public_templates(app, template, context)
    return template.render(context)
