"""Signing in: Flask-Login's ``LoginManager``, configured for the portal's staff accounts.

A session names its account as ``"<id>:<epoch>"`` (``User.get_id``): the loader accepts it only
while the account is active and its ``session_epoch`` unchanged, so raising the epoch ends every
session of the account at once, on every machine that shares the database.
"""

from __future__ import annotations

from flask import Flask
from flask_login import LoginManager

from portal.auth.sessions import install_session_lifetime
from portal.extensions import db

login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "请先登录。"
login_manager.login_message_category = "warning"


@login_manager.user_loader
def load_user(token: str):
    """The active account the token names, if its sessions were not revoked since; else None."""
    from portal.accounts.models import User

    user_id, _, epoch = token.partition(":")
    if not (user_id.isdigit() and epoch.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_epoch != int(epoch):
        return None
    return user


def install_login(app: Flask) -> None:
    """Bind the login manager to ``app`` (templates get ``current_user`` from Flask-Login) and
    enforce the session lifetime."""
    login_manager.init_app(app)
    install_session_lifetime(app)
