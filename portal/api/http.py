"""JSON responses of the open-data API: caching headers, errors in Chinese, query parameters.

Bodies are UTF-8 JSON (Chinese as is, not ``\\u`` escapes). Successful answers carry
``Cache-Control: public, max-age=…`` and a strong ``ETag`` of the body, so polling clients
(the WeChat mini-program, the provincial platform) revalidate cheaply and get ``304``.
Errors are ``{"status", "error", "message"}`` with a Chinese message, never an HTML page.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from flask import Response, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

MAX_AGE_SECONDS = 60
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_PAGE = 10_000

ERRORS = {
    400: ("bad_request", "请求参数无效。"),
    404: ("not_found", "请求的资源不存在。"),
    405: ("method_not_allowed", "开放数据接口只支持 GET 请求。"),
    429: ("too_many_requests", "请求过于频繁，请稍后再试。"),
    500: ("server_error", "服务暂时不可用，请稍后再试。"),
}


class ApiError(Exception):
    """An answer other than 200, with the Chinese message the client receives."""

    def __init__(self, status: int, message: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message or ERRORS.get(status, ERRORS[500])[1]


def _body(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def json_response(data: object, *, max_age: int = MAX_AGE_SECONDS) -> Response:
    """``data`` as a cacheable JSON response; ``304`` when the client's ETag still matches."""
    body = _body(data)
    response = Response(body, mimetype="application/json")
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    response.headers["Access-Control-Allow-Origin"] = "*"  # public open data, read-only
    response.make_conditional(request)  # turns the response into a 304 in place
    return response


def error_response(status: int, message: str | None = None) -> Response:
    """The JSON error body for ``status`` (not cached by shared caches)."""
    code, default = ERRORS.get(status, (f"http_{status}", ERRORS[500][1]))
    response = Response(_body({"status": status, "error": code, "message": message or default}),
                        status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Access-Control-Allow-Origin"] = "*"
    if status == 405:
        response.headers["Allow"] = "GET, HEAD, OPTIONS"
    return response


def from_http_exception(exc: HTTPException) -> Response:
    """A Werkzeug error (routing, abort) as the API's JSON error."""
    status = exc.code or 500
    return error_response(status if status in ERRORS else 400 if status < 500 else 500)


def choice(name: str, allowed: Iterable[str]) -> str:
    """The query parameter ``name`` if it is one of ``allowed`` or absent (""); else 400."""
    allowed = tuple(allowed)
    value = request.args.get(name, "")
    if value and value not in allowed:
        raise ApiError(400, f"参数 {name} 的取值无效，可选：{'、'.join(allowed)}。")
    return value


def _integer(name: str, default: int, minimum: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or not minimum <= int(raw) <= maximum:
        raise ApiError(400, f"参数 {name} 应为 {minimum} 到 {maximum} 之间的整数。")
    return int(raw)


@dataclass(frozen=True)
class Paging:
    """Which page of a list the client asked for."""

    page: int
    per_page: int

    @classmethod
    def from_args(cls) -> Paging:
        """``page`` (from 1) and ``per_page`` (1–100, default 20) from the query string."""
        return cls(_integer("page", 1, 1, MAX_PAGE),
                   _integer("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE))

    def envelope(self, total: int, items: list) -> dict:
        """The list body: paging figures and this page's items."""
        return {"page": self.page, "per_page": self.per_page, "total": total,
                "pages": -(-total // self.per_page), "items": items}

    def slice(self, rows: list) -> list:
        """This page's part of ``rows``."""
        start = (self.page - 1) * self.per_page
        return rows[start:start + self.per_page]
