"""Signed-in sessions: the cookie's settings, and the lifetime the server enforces on them.

The session itself is Flask's signed cookie. What makes it revocable lives on the account (its
``session_epoch``, checked by the user loader in :mod:`portal.auth.login`); what bounds it in time
lives here: the moment of login and of the last activity are kept in the session, and a session
idle for ``STAFF_IDLE_MINUTES`` or older than ``STAFF_SESSION_HOURS`` is signed out.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, current_app, flash, redirect, request, session
from flask_login import current_user, login_url, login_user, logout_user, user_logged_in

LOGIN_AT = "staff_login_at"
SEEN_AT = "staff_seen_at"
# Last activity is written back at most this often, not on every request (a cookie write each).
SEEN_REFRESH_SECONDS = 60
TIMED_OUT = "登录已超时，请重新登录。"


def session_cookie_settings(https: bool) -> dict:
    """Flask and Flask-Login settings for the session and remember cookies (``Secure`` over HTTPS)."""
    return {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": https,
    }


def clock() -> int:
    """Whole seconds since the Unix epoch: the clock session lifetimes are measured by."""
    return int(time.time())


def stamp_login(_sender: Any, **_extra: Any) -> None:
    """Note the moment of login in the session (Flask-Login's ``user_logged_in`` signal)."""
    now = clock()
    session[LOGIN_AT] = now
    session[SEEN_AT] = now


def keep_signed_in(user: Any) -> None:
    """Sign ``user`` in again after their sessions were revoked, keeping this session's login time
    (changing one's own password ends the other sessions, not this one, nor extends it)."""
    started = session.get(LOGIN_AT)
    login_user(user)
    if isinstance(started, int):
        session[LOGIN_AT] = started


def is_expired(now: int) -> bool:
    """True when this session was idle too long, has lived too long, or carries no login time
    (a remember cookie or a session older than these rules: neither is honoured)."""
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return True
    idle = current_app.config["STAFF_IDLE_MINUTES"] * 60
    lifetime = current_app.config["STAFF_SESSION_HOURS"] * 3600
    return now - seen_at > idle or now - login_at > lifetime


def _is_work(path: str, method: str) -> bool:
    """Back-office pages and form submissions count as activity; reading public pages does not."""
    return path.startswith("/staff") or method not in ("GET", "HEAD")


def enforce_session_lifetime():
    """Before each request: sign out an expired session (back to the login page when the request
    needed it), else note the activity at most once a minute."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = clock()
    work = _is_work(request.path, request.method)
    if is_expired(now):
        logout_user()
        session.pop(LOGIN_AT, None)
        session.pop(SEEN_AT, None)
        flash(TIMED_OUT, "warning")
        if work:
            target = request.full_path if request.query_string else request.path
            return redirect(login_url("accounts.login", next_url=target))
        return None
    if work and now - session[SEEN_AT] >= SEEN_REFRESH_SECONDS:
        session[SEEN_AT] = now
    return None


def install_session_lifetime(app: Flask) -> None:
    """Stamp logins and check every signed-in request against the lifetime rules."""
    user_logged_in.connect(stamp_login, app)
    app.before_request(enforce_session_lifetime)
