"""Request-wide behaviour: one commit per request, security headers, error pages, layout links, filters."""

from __future__ import annotations

import logging
from functools import lru_cache
from types import FunctionType, MethodType

from flask import (
    Flask,
    Request,
    Response,
    current_app,
    g,
    has_app_context,
    has_request_context,
    render_template,
    request,
)
from flask.templating import Environment
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from werkzeug.exceptions import HTTPException
from werkzeug.utils import cached_property
from werkzeug.wrappers import Request as RequestBase

from portal.core.timefmt import format_local
from portal.extensions import db, login_manager
from portal.forms import form_field
from portal.layout import install_layout_helpers
from portal.sessions import Recent, SessionCookies

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)

ERROR_MESSAGES = {
    400: ("请求无效", "提交的内容无法处理，请返回上一页检查后重试。"),
    403: ("无权访问", "您没有访问此页面的权限。"),
    404: ("页面不存在", "您访问的页面不存在或已被撤回，请检查网址，或从首页重新进入。"),
    405: ("请求方式不允许", "此页面不支持该操作。"),
    413: ("文件过大", "上传的文件超过了允许的大小。"),
    429: ("操作过于频繁", "请稍后再试。"),
    500: ("服务暂时不可用", "系统出现了问题，我们已记录。请稍后再试，或拨打咨询电话。"),
}


SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
_SECURITY_HEADERS_BY_NAME = tuple((name.lower(), (name, value)) for name, value in SECURITY_HEADERS)
PRIVATE_PREFIXES = ("/staff", "/login")  # pages never kept by a browser or proxy cache


class SecurityHeaders:
    """WSGI middleware: the security headers on every response (pages, cached pages, errors,
    static files), unless a view set its own; ``Cache-Control: no-store`` on staff and login pages.

    Done on the WSGI header list rather than in an ``after_request`` hook, where each
    ``Headers.setdefault`` scans every header: the same result at a fraction of the cost.
    """

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        """Serve the request, adding the headers as the response starts."""
        private = environ.get("PATH_INFO", "").startswith(PRIVATE_PREFIXES)

        def start(status, headers, exc_info=None):
            present = {name.lower() for name, _value in headers}
            headers.extend(pair for lower, pair in _SECURITY_HEADERS_BY_NAME if lower not in present)
            if private:
                if "cache-control" in present:
                    headers[:] = [pair for pair in headers if pair[0].lower() != "cache-control"]
                headers.append(("Cache-Control", "no-store"))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


def keep_writes_despite_status() -> None:
    """Commit this request's writes although it answers with a 4xx status (e.g. a failed
    login whose counter must persist)."""
    g.portal_keep_writes = True


@lru_cache(maxsize=1024)
def _is_staff_template(name: str | None) -> bool:
    base = (name or "").rsplit("/", 1)[-1]
    return (name or "").startswith("staff/") or base.startswith("staff_")


_PLAIN = (str, int, float, bool, type(None), Markup)
_CONTAINERS = (list, tuple, set, dict)
_TEMPLATE_MACHINERY = frozenset({"current_user", "g", "request", "session", "config"})


def _first_model_object(value, depth: int = 0):
    """A model object in ``value`` or in the lists, tuples, sets and dicts it holds (three levels
    deep), else None."""
    if isinstance(value, _PLAIN):
        return None
    if isinstance(value, db.Model):
        return value
    if depth < 3 and isinstance(value, _CONTAINERS):
        for item in value.values() if isinstance(value, dict) else value:
            found = _first_model_object(item, depth + 1)
            if found is not None:
                return found
    return None


def refuse_model_objects_in_public_templates(_app, template, context, **_extra) -> None:
    """The choke point's guard: a public template never receives a model object.

    Public data must come through :func:`portal.disclose.disclose`; a model object in a
    public template's context is a programming error and fails closed (500, nothing shown).
    """
    if _is_staff_template(template.name):
        return
    for key, value in context.items():
        if key in _TEMPLATE_MACHINERY:
            continue
        leaked = _first_model_object(value)
        if leaked is not None:
            raise RuntimeError(
                f"public template {template.name} got model object {type(leaked).__name__} in "
                f"'{key}'; pass disclose(record, viewer) instead"
            )


class TemplateEnvironment(Environment):
    """Flask's Jinja environment, giving each template its globals as one plain dict.

    Jinja overlays a template's globals on the environment's with a ``ChainMap``, and every render
    copies that map into the new context key by key through ``ChainMap.__getitem__``, in Python:
    about 100,000 instructions per page, four times what the copy of a dict costs. The dict is
    taken when a template is loaded; Jinja asks that globals not change after that, and the
    portal sets all of its own (and Flask's and its extensions') in :func:`portal.create_app`.
    """

    def make_globals(self, d):
        """The environment's globals overlaid by ``d``, as a dict."""
        return {**self.globals, **(d or {})}


_PARSED_COOKIES = Recent()


class _AppLimit:
    """A request body limit as Flask's request has it: set on the request, else the app's config,
    else (outside an app context) Werkzeug's default."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __set_name__(self, owner, name: str) -> None:
        self.own, self.fallback = f"_{name}", getattr(RequestBase, name)

    def __get__(self, req, owner=None):
        if req is None:
            return self
        own = getattr(req, self.own)
        if own is not None:
            return own
        config = req._app_config
        return self.fallback if config is None else config[self.key]

    def __set__(self, req, value: int | None) -> None:
        setattr(req, self.own, value)


class PortalRequest(Request):
    """Flask's request, looking the app up once for its body limits, and parsing each distinct
    cookie header once per worker.

    Flask's request asks the ``current_app`` proxy twice for each of the three limits a form body
    is read under (about 60,000 instructions of a form POST). A limit set on the request itself
    still wins, and outside an app context Werkzeug's defaults apply, as in Flask.
    """

    max_content_length = _AppLimit("MAX_CONTENT_LENGTH")
    max_form_memory_size = _AppLimit("MAX_FORM_MEMORY_SIZE")
    max_form_parts = _AppLimit("MAX_FORM_PARTS")

    @cached_property
    def _app_config(self):
        return current_app.config if has_app_context() else None

    @cached_property
    def cookies(self):
        """The request's cookies as Werkzeug parses them, parsed once per distinct ``Cookie``
        header per worker (the parsed mapping is immutable, so requests can share it)."""
        raw = self.environ.get("HTTP_COOKIE", "")
        parsed = _PARSED_COOKIES.get(raw)
        if parsed is None:
            parsed = RequestBase.cookies.fget(self)
            _PARSED_COOKIES.remember(raw, parsed)
        return parsed


class PortalFlask(Flask):
    """Flask with :class:`TemplateEnvironment`, asking once per hook whether it is a coroutine
    function: Flask's ``ensure_sync`` asks ``inspect.iscoroutinefunction`` for every hook and
    view on every request."""

    jinja_environment = TemplateEnvironment
    request_class = PortalRequest

    def update_template_context(self, context: dict) -> None:
        """Flask's, running each context processor once: Flask lists its default processor (``g``,
        ``request``, ``session``) for the app and again for every blueprint. The chain of
        processors is worked out once per blueprint path; values passed to the template win."""
        blueprints = tuple(request.blueprints) if has_request_context() else ()
        chains = self.__dict__.setdefault("_portal_processors", {})
        chain = chains.get(blueprints)
        if chain is None:
            found = [func for name in (None, *reversed(blueprints))
                     for func in self.template_context_processors.get(name, ())]
            chain = chains[blueprints] = [self.ensure_sync(func) for func in dict.fromkeys(found)]
        given = context.copy()
        for processor in chain:
            context.update(processor())
        context.update(given)

    def ensure_sync(self, func):
        """The callable to run, as Flask's, with the answer kept for functions and methods."""
        known = self.__dict__.setdefault("_portal_sync", {})
        runner = known.get(func)
        if runner is None:
            runner = super().ensure_sync(func)
            if isinstance(func, FunctionType | MethodType) and len(known) < 1024:
                known[func] = runner
        return runner


def _error_page(code: int, detail: str | None = None) -> tuple[str, int]:
    title, message = ERROR_MESSAGES.get(code, ERROR_MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title,
                           message=detail or message), code


def install_web_hooks(app: Flask) -> None:
    """Attach the commit-per-request hooks, headers, error handlers and Jinja helpers."""

    @login_manager.user_loader
    def load_user(user_id: str):
        from portal.accounts.models import User

        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        return user if user is not None and user.active else None

    @app.after_request
    def commit(response: Response) -> Response:
        # One commit per request: views and services only flush.
        if not db.session.registry.has() or not db.session().in_transaction():
            pass  # nothing was read or written: no round trip
        elif response.status_code < 400 or (
            response.status_code < 500 and g.get("portal_keep_writes")
        ):
            db.session.commit()
        else:
            db.session.rollback()
        return response

    app.wsgi_app = SecurityHeaders(app.wsgi_app)

    @app.teardown_request
    def rollback_on_error(exc: BaseException | None) -> None:
        if exc is not None:
            db.session.rollback()

    @app.errorhandler(CSRFError)
    def csrf_error(_exc: CSRFError):
        return _error_page(400, "页面已过期或缺少安全校验，请刷新页面后重新提交。")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return _error_page(exc.code or 500)

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        db.session.rollback()
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return _error_page(500)

    from flask import before_render_template

    before_render_template.connect(refuse_model_objects_in_public_templates, app)

    app.jinja_env.filters["local_time"] = format_local
    app.jinja_env.filters["iso_utc"] = lambda value: (
        value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else "1970-01-01T00:00:00Z")
    app.jinja_env.filters["local_date"] = lambda value: format_local(value, with_time=False)
    app.jinja_env.filters["yuan"] = lambda amount: "免费" if not amount else f"{amount:.2f} 元"
    app.jinja_env.globals["site_name"] = app.config["SITE_NAME"]
    install_layout_helpers(app)
    # Templates call field(form.x, hint=..., rows=...): a global, not an import from a helper
    # template, because every render of a template that imports one builds the imported module anew.
    app.jinja_env.globals["field"] = form_field
    app.session_interface = SessionCookies()

