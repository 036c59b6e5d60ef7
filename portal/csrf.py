"""CSRF protection: Flask-WTF's, remembering the tokens this worker has signed.

Flask-WTF signs the session's CSRF secret with the current time on every request that shows a form,
and verifies the signature of every token posted back: two HMAC rounds, JSON, base64 and zlib each
time, the largest single cost of a form page re-shown with errors. Per worker, :class:`PortalCSRF`

- lets the pages of one session share a token it signed less than ``REUSE_SECONDS`` ago (at most
  half the time limit). That token is just as valid; its time limit runs from when it was signed,
  so it expires a little sooner, never later;
- accepts a posted token without re-verifying its signature when this worker signed or verified
  it before for the very session secret the request's session holds, within the time limit. The
  session itself is still checked (its cookie is signed), and so are the referrer rules over HTTPS.
  Every other token goes through Flask-WTF's full check, with its messages.

Pages get their token from :meth:`PortalCSRF.token` (forms' ``hidden_tag()`` and templates'
``csrf_token()``), when they show a form and not before every request, so an answer without a form
never reads the session.
"""

from __future__ import annotations

import math
import time
from hmac import compare_digest

from flask import Flask, current_app, g, request, session
from flask_wtf import CSRFProtect
from flask_wtf.csrf import generate_csrf, same_origin
from itsdangerous import BadData, URLSafeTimedSerializer

from portal.sessions import Recent

REUSE_SECONDS = 60
FLASK_WTF_SALT = "wtf-csrf-token"  # the salt Flask-WTF signs its tokens with (flask_wtf.csrf)


def _secret(app: Flask):
    return app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key


def _session_secret(field: str) -> str | None:
    """The session's raw CSRF secret, read with ``dict.get`` so the session's own ``get`` does not mark
    it accessed. Resolving the ``session`` proxy marks it accessed all the same (Flask 3.1.3), so only
    requests that check or show a token call this: their answer depends on the cookie."""
    current = session._get_current_object()
    return dict.get(current, field) if isinstance(current, dict) else None


class PortalCSRF(CSRFProtect):
    """Flask-WTF's ``CSRFProtect`` with this worker's signed tokens remembered."""

    def __init__(self) -> None:
        super().__init__()
        self._by_session = Recent()  # (secret key, session secret) -> (token, signed at)
        self._issued = Recent()  # token -> (secret key, session secret, signed at)

    def init_app(self, app: Flask) -> None:
        """Flask-WTF's set-up, with templates' ``csrf_token()`` taking this worker's recent tokens."""
        super().init_app(app)
        app.jinja_env.globals["csrf_token"] = self.token

    def protect(self, apply_exemptions: bool = False) -> None:
        """Validate the request's token: at once when this worker signed it for this session,
        else by Flask-WTF (which raises ``CSRFError`` with the reason)."""
        if self._known_for_this_session():
            g.csrf_valid = True
            return
        super().protect(apply_exemptions)
        if g.get("csrf_valid"):
            self._remember_verified_token()

    def _remember_verified_token(self) -> None:
        field = current_app.config["WTF_CSRF_FIELD_NAME"]
        token, session_secret = request.form.get(field), _session_secret(field)
        if not token or not session_secret:
            return  # sent in a header, or an exempt view: nothing to remember
        secret = _secret(current_app)
        try:
            _raw, signed = URLSafeTimedSerializer(secret, salt=FLASK_WTF_SALT).loads(token, return_timestamp=True)
        except BadData:
            return
        self._issued.remember(token, (secret, session_secret, signed.timestamp()))

    def _known_for_this_session(self) -> bool:
        config = current_app.config
        if request.method not in config["WTF_CSRF_METHODS"]:
            return False
        field = config["WTF_CSRF_FIELD_NAME"]
        token = request.form.get(field)
        known = self._issued.get(token) if token else None
        if known is None:
            return False
        secret, session_secret, signed_at = known
        current = _session_secret(field)
        limit = config["WTF_CSRF_TIME_LIMIT"]
        if secret != _secret(current_app) or not current or not compare_digest(current, session_secret):
            return False
        if limit is not None and not 0 <= time.time() - signed_at <= limit:
            return False
        if request.is_secure and config["WTF_CSRF_SSL_STRICT"]:
            return bool(request.referrer) and same_origin(request.referrer, f"https://{request.host}/")
        return True

    def token(self) -> str:
        """This request's CSRF token, as Flask-WTF's ``generate_csrf`` gives it, but a token this
        worker signed for the same session less than ``REUSE_SECONDS`` ago is used again instead of
        signing another. Asked for only by pages that show a form, so answers without one never
        read the session (and do not vary on the cookie)."""
        app, request_globals = current_app._get_current_object(), g._get_current_object()
        if app.extensions.get("csrf") is not self:
            return generate_csrf()  # an app this object does not protect (a form used elsewhere)
        field = app.config["WTF_CSRF_FIELD_NAME"]
        token = request_globals.get(field)
        if token:
            return token  # this request has its token already
        secret, session_secret = _secret(app), _session_secret(field)
        known = self._by_session.get((secret, session_secret)) if session_secret else None
        now = time.time()
        if known is not None:
            limit = app.config["WTF_CSRF_TIME_LIMIT"]
            window = REUSE_SECONDS if limit is None else min(REUSE_SECONDS, limit / 2)  # a page keeps most of it
            if now - known[1] < window:
                setattr(request_globals, field, known[0])  # where generate_csrf keeps the request's token
                return known[0]
        token = generate_csrf()
        session_secret = _session_secret(field)  # generate_csrf creates it for a new session
        if session_secret:
            signed_at = math.floor(now)  # Flask-WTF's timestamp is whole seconds, at or after this
            self._by_session.remember((secret, session_secret), (token, signed_at))
            self._issued.remember(token, (secret, session_secret, signed_at))
        return token
