"""Signed-cookie sessions: Flask's, with the verifying work done once per cookie per worker.

:class:`SessionCookies` remembers the cookies it has verified. The same cookie string signed by the
same keys always verifies to the same data, so a cookie seen again skips the HMAC, base64 and JSON
work; its own timestamp is still checked against the session lifetime every time, and a change of
secret key forgets everything. Only sessions of plain values (strings, numbers, booleans) are
remembered, because a list or dict in a session (flashed messages) can be changed in place by the
request that reads it.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from flask import Flask, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import BadSignature, URLSafeTimedSerializer

PLAIN_VALUES = (str, int, float, bool, type(None))
REMEMBERED = 4096  # entries kept per worker (cookies here, tokens in portal.csrf), least recently used dropped first


class Recent(OrderedDict):
    """A bounded mapping that forgets the least recently used entry."""

    def __init__(self, limit: int = REMEMBERED) -> None:
        super().__init__()
        self.limit = limit

    def remember(self, key, value) -> None:
        """Store ``value`` under ``key``, dropping the oldest entry when full."""
        self[key] = value
        self.move_to_end(key)
        if len(self) > self.limit:
            self.popitem(last=False)


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer built once per key set and
    verified cookies remembered (see the module docstring)."""

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}
        self._verified = Recent()

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """The serializer for the app's current secret key and fallbacks."""
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        if key not in self._serializers:
            self._serializers = {key: super().get_signing_serializer(app)}
            self._verified.clear()  # keys changed: what they verified no longer counts
        return self._serializers[key]

    def open_session(self, app: Flask, request) -> SecureCookieSession | None:
        """The session the request's cookie carries; an empty one when it is missing, forged or
        older than the session lifetime (as Flask does). The request keeps a reference to it for
        :func:`session_in_use`."""
        request.opened_session = self._open(app, request)
        return request.opened_session

    def _open(self, app: Flask, request) -> SecureCookieSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        max_age = app.permanent_session_lifetime.total_seconds()
        known = self._verified.get(cookie)
        if known is not None:
            data, signed_at = known
            if 0 <= time.time() - signed_at <= max_age:
                return self.session_class(data)
            return self.session_class()
        try:
            data, signed_at = serializer.loads(cookie, max_age=int(max_age), return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(data, dict) and all(isinstance(value, PLAIN_VALUES) for value in data.values()):
            self._verified.remember(cookie, (dict(data), signed_at.timestamp()))
        return self.session_class(data)


def session_in_use() -> SessionMixin | None:
    """The request's session if something in this request has used it, else ``None``, without
    marking it used. Flask (3.1.3) marks the session accessed whenever the ``session`` proxy is
    resolved, and an answer whose session was accessed says ``Vary: Cookie``; hooks that run on every
    request ask this instead, so static files, feeds and the open-data API do not vary on the cookie."""
    opened = getattr(request, "opened_session", None)
    return opened if opened is not None and opened.accessed else None
