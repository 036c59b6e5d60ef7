"""CSRF protection: Flask-WTF's ``CSRFProtect`` checks every POST, PUT, PATCH and DELETE before
any view runs; a refused request gets the error page with a message in Chinese."""

from __future__ import annotations

from flask import Flask
from flask_wtf import CSRFProtect
from flask_wtf.csrf import CSRFError

csrf = CSRFProtect()

EXPIRED_MESSAGE = "页面已过期或缺少安全校验，请刷新页面后重新提交。"


def install_csrf(app: Flask) -> None:
    """Protect ``app`` and show the Chinese error page when a token is missing or invalid."""
    from portal.web.errors import error_page

    csrf.init_app(app)

    @app.errorhandler(CSRFError)
    def csrf_error(_exc: CSRFError):
        return error_page(400, EXPIRED_MESSAGE)
