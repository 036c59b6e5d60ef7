"""Flask-Login's ``LoginManager``, answering "not signed in" without its full user load.

Flask-Login loads the user of every request that asks (each page's header does): it sends
``user_accessed``, hashes the visitor's address and browser into a SHA-512 session identifier for
session protection, looks in the session for a user id, then for a remember cookie and an
``Authorization`` header. For the visitors who are not signed in — nearly all of a public
portal's traffic, and every request of a login form under attack — the answer is known from the
session and the cookies alone: no ``_user_id`` in the session and no remember cookie means the
anonymous user, whatever session protection says (it can only ever take a user away).

:class:`PortalLoginManager` takes that short path and leaves every other request to Flask-Login
unchanged. The one difference: Flask-Login's "basic" protection marks an anonymous session
``_fresh = False`` (rewriting its cookie once); freshness means nothing without a user, and
:func:`flask_login.login_user` sets it when someone signs in.

Flask-Login offers no public hook for this, so the override is of its ``_load_user`` (stable
through the 0.6 series, which ``pyproject.toml`` pins); ``tests/feature/test_anonymous_user.py``
checks both paths against Flask-Login's own behaviour.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request, session
from flask_login import LoginManager, current_user
from flask_login.config import COOKIE_NAME
from flask_login.signals import user_accessed

from portal.sessions import session_in_use


class PortalLoginManager(LoginManager):
    """``LoginManager`` with the anonymous visitor recognised before the full user load."""

    def init_app(self, app: Flask, add_context_processor: bool = True) -> None:
        """Flask-Login's set-up, with templates given the ``current_user`` proxy as a global instead
        of Flask-Login's context processor, which loads the user (reading the session) for every
        template rendered, feeds included. A template that asks for ``current_user`` loads it then."""
        super().init_app(app, add_context_processor=False)
        if add_context_processor:
            app.jinja_env.globals["current_user"] = current_user

    def _load_user(self):
        """The anonymous user at once when nothing could identify one; else Flask-Login's load."""
        if self._known_anonymous():
            user_accessed.send(current_app._get_current_object())
            return self._update_request_context_with_user()  # Flask-Login's own: the anonymous user
        return super()._load_user()

    def _known_anonymous(self) -> bool:
        """No user id in the session, no remember cookie, and no loader that reads the request."""
        if self._request_callback is not None or self._header_callback is not None:
            return False
        current = session._get_current_object()
        if "_user_id" in current:
            return False
        cookie_name = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)
        return cookie_name not in request.cookies

    def _update_remember_cookie(self, response: Response) -> Response:
        """Flask-Login's remember-cookie upkeep, skipped when nothing in the request used the session.

        Flask-Login runs it after every request and it reads the session, which would make every
        answer (static files, feeds, the open-data API) vary on the cookie. What it acts on,
        ``_remember``, is put in the session only by ``login_user``/``logout_user`` (which use the
        session) and taken out again by this same hook, so an unused session holds none. With
        ``REMEMBER_COOKIE_REFRESH_EACH_REQUEST`` on, it must look at every signed-in session.
        """
        if session_in_use() is None and not current_app.config.get("REMEMBER_COOKIE_REFRESH_EACH_REQUEST"):
            return response
        return super()._update_remember_cookie(response)
