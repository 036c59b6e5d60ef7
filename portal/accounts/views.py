"""Login, logout and one's own password, for staff, supervisors and administrators."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from portal.accounts.admin import change_own_password
from portal.accounts.forms import LoginForm, OwnPasswordForm
from portal.accounts.models import User
from portal.accounts.services import AccountError, LoginLocked, authenticate, revoke_sessions
from portal.audit.services import record
from portal.auth.sessions import keep_signed_in
from portal.extensions import db
from portal.web import keep_writes_despite_status

bp = Blueprint("accounts", __name__)


def safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after login (no open redirect)."""
    if not target:
        return url_for("staff_home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return url_for("staff_home.index")
    return target


@bp.before_app_request
def require_new_password():
    """Send a user signed in with a one-time password to the password page before any other
    back-office page."""
    if (request.endpoint in ("static", "accounts.password", "accounts.logout")
            or not request.path.startswith("/staff") or not current_user.is_authenticated
            or not current_user.password_must_change):
        return None
    flash("请先设置您自己的新密码，一次性密码随后失效。", "warning")
    return redirect(url_for("accounts.password"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form and sign the user in."""
    if current_user.is_authenticated:
        return redirect(url_for("staff_home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        address = request.remote_addr or ""
        try:
            user = authenticate(form.username.data, form.password.data, address)
        except LoginLocked as locked:
            flash(f"登录失败次数过多，请 {(locked.seconds + 59) // 60} 分钟后再试。", "error")
            status = 429
        else:
            if user is not None:
                login_user(user)
                flash(f"欢迎，{user.display_name}。", "success")
                return redirect(safe_next(request.args.get("next")))
            flash("用户名或密码错误。", "error")
            status = 401
        keep_writes_despite_status()  # the failure counters must persist
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign the user out (POST only, so a link cannot log anyone out): the account's sessions end on
    every machine, so a copy of the session cookie opens nothing afterwards."""
    revoke_sessions(current_user)
    record("logout", user_id=current_user.id, target_type="user", target_id=current_user.id)
    logout_user()
    flash("您已安全退出。", "success")
    return redirect(url_for("public.home"))


@bp.route("/staff/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's own password (the current one, then the new one twice); the account's other
    sessions end, this one stays signed in."""
    form = OwnPasswordForm()
    if form.validate_on_submit():
        user = db.session.get(User, current_user.id)  # the account itself, to sign in again
        try:
            change_own_password(user, form.old_password.data, form.new_password.data)
        except AccountError as exc:
            form.old_password.errors = [*form.old_password.errors, str(exc)]
        else:
            keep_signed_in(user)
            flash("密码已修改，您在其他电脑上的登录已失效。", "success")
            return redirect(url_for("staff_home.index"))
    return render_template("accounts/staff_own_password.html", form=form), 422 if form.errors else 200
