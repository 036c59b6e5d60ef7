"""Signing in: Flask-Login's ``LoginManager``, configured for the portal's staff accounts."""

from __future__ import annotations

from flask import Flask
from flask_login import LoginManager

from portal.extensions import db

login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "请先登录。"
login_manager.login_message_category = "warning"


@login_manager.user_loader
def load_user(user_id: str):
    """The active staff account with this id, else None (signed out)."""
    from portal.accounts.models import User

    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


def install_login(app: Flask) -> None:
    """Bind the login manager to ``app`` (templates get ``current_user`` from Flask-Login)."""
    login_manager.init_app(app)
