"""Refuse input no page can use before it reaches a view or the database.

A NUL byte, bytes that are not UTF-8, a lone surrogate or an integer beyond the database's range
make PostgreSQL (and sometimes the drivers) fail deep inside a query, which a visitor would see
as a 500. :func:`install_input_guard` stops them at the door with a 400 (the Chinese error page,
or the API's JSON error under ``/api/``):

- the path and the query string must be valid UTF-8; they, the form's names and values and the
  file names of uploads must hold no NUL byte, no lone surrogate and no U+FFFD (the character
  bytes that are not UTF-8 become when a form is decoded);
- a query-string value longer than :data:`MAX_QUERY_VALUE` characters is refused;
- the integer query parameters the pages read (:data:`INTEGER_QUERY_PARAMS`) must fit the
  database's 32-bit integer columns when they are numbers at all;
- ``<int:...>`` in a URL rule matches only 1 to 2^31−1, so a larger number is a plain 404.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from flask import Flask, Response, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, Map

INT_MAX = 2**31 - 1  # the largest value of the INTEGER primary and foreign keys
MAX_QUERY_VALUE = 1000  # characters; search terms are cut to 100, filters are short codes
INTEGER_QUERY_PARAMS = frozenset({"page", "per_page", "department", "assignee", "year", "id"})
API_PREFIX = "/api/"
_UNUSABLE = re.compile("[\x00\ud800-\udfff\ufffd]")
_SIGNED_DIGITS = re.compile(r"[+-]?[0-9]+")


class DatabaseIntegerConverter(IntegerConverter):
    """``<int:...>``: a positive integer that fits an INTEGER column (1 to 2^31−1)."""

    def __init__(self, url_map: Map, fixed_digits: int = 0, min: int = 1, max: int = INT_MAX,
                 signed: bool = False) -> None:
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def is_usable_text(value: str) -> bool:
    """Whether ``value`` holds no NUL byte, lone surrogate or U+FFFD replacement character."""
    return _UNUSABLE.search(value) is None


def _utf8(raw: str) -> str | None:
    """A WSGI string (the request's bytes as Latin-1) decoded strictly as UTF-8, else None."""
    try:
        return raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


def _query_pairs(query_string: str) -> list[tuple[str, str]] | None:
    """The raw query string's names and values decoded strictly as UTF-8, else None."""
    pairs = []
    try:
        for part in query_string.encode("latin-1").split(b"&"):
            name, _sep, value = part.replace(b"+", b" ").partition(b"=")
            pairs.append((unquote_to_bytes(name).decode("utf-8"), unquote_to_bytes(value).decode("utf-8")))
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    return pairs


def _query_refused(query_string: str) -> bool:
    """Whether the raw query string holds a value no page can use."""
    if not query_string:
        return False
    pairs = _query_pairs(query_string)
    if pairs is None:
        return True
    for name, value in pairs:
        if not (is_usable_text(name) and is_usable_text(value)) or len(value) > MAX_QUERY_VALUE:
            return True
        if (name in INTEGER_QUERY_PARAMS and _SIGNED_DIGITS.fullmatch(value.strip())
                and abs(int(value)) > INT_MAX):
            return True
    return False


def _form_refused() -> bool:
    """Whether a submitted form value or upload file name holds an unusable character."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return False
    values = [value for _name, value in request.form.items(multi=True)]
    values += [upload.filename or "" for _name, upload in request.files.items(multi=True)]
    return not all(is_usable_text(name) for name in request.form) or not all(map(is_usable_text, values))


def address_is_unusable(environ: dict) -> bool:
    """Whether a WSGI request's path or query string holds unusable input (no form is read)."""
    path = _utf8(environ.get("PATH_INFO", ""))
    return path is None or not is_usable_text(path) or _query_refused(environ.get("QUERY_STRING", ""))


def input_is_unusable() -> bool:
    """Whether this request's path, query string or form holds unusable input."""
    return address_is_unusable(request.environ) or _form_refused()


def drop_longer_than(limit: int) -> Callable[[str | None], str | None]:
    """A WTForms filter treating a value longer than ``limit`` characters as absent (None)."""

    def dropped(value: str | None) -> str | None:
        return value if value is None or len(value) <= limit else None

    return dropped


def whole_number(text: str, maximum: int = INT_MAX) -> int | None:
    """``text`` as a whole number from 0 to ``maximum`` written in ASCII digits, else None
    (``str.isdigit`` also accepts digits ``int`` refuses, such as "²")."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(maximum)):
        return None
    return int(text) if int(text) <= maximum else None


def query_int(name: str, default: int, *, minimum: int = 1, maximum: int = INT_MAX) -> int:
    """The query parameter ``name`` as an integer clamped to ``minimum``..``maximum``;
    ``default`` when it is absent or not a whole number."""
    raw = request.args.get(name, "").strip()
    if not _SIGNED_DIGITS.fullmatch(raw):
        return default
    return min(max(int(raw), minimum), maximum)


def query_id(name: str) -> int | None:
    """The query parameter ``name`` as a database id, or None when absent or not a valid id."""
    raw = request.args.get(name, "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= INT_MAX else None


def install_input_guard(app: Flask, api_error: Callable[[int], Response] | None = None) -> None:
    """Bound ``<int:...>`` URL parts and refuse unusable input before any other request hook.

    A refusal raises :class:`~werkzeug.exceptions.BadRequest` (the app's error page); under
    ``/api/`` it answers ``api_error(400)`` instead, when given. Call this before blueprints are
    registered (their rules take the converter when added) and before any other
    ``before_request`` hook is added (hooks run in the order they were added).
    """
    app.url_map.converters["int"] = DatabaseIntegerConverter

    @app.before_request
    def refuse_unusable_input() -> Response | None:
        if not input_is_unusable():
            return None
        if api_error is not None and request.path.startswith(API_PREFIX):
            return api_error(400)
        raise BadRequest()
