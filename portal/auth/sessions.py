"""The session cookie's settings: Flask's signed-cookie sessions, kept from scripts and other sites."""

from __future__ import annotations


def session_cookie_settings(https: bool) -> dict:
    """Flask and Flask-Login settings for the session and remember cookies (``Secure`` over HTTPS)."""
    return {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": https,
    }
