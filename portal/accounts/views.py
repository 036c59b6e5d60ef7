"""Login and logout for staff, supervisors and administrators."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from portal.accounts.forms import LoginForm
from portal.accounts.services import authenticate, seconds_locked
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


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form and sign the user in."""
    if current_user.is_authenticated:
        return redirect(url_for("staff_home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        address = request.remote_addr or ""
        locked = seconds_locked(form.username.data.strip().lower(), address)
        if locked:
            minutes = (locked + 59) // 60
            flash(f"登录失败次数过多，请 {minutes} 分钟后再试。", "error")
            status = 429
        else:
            user = authenticate(form.username.data, form.password.data, address)
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
    """Sign the user out (POST only, so a link cannot log anyone out)."""
    logout_user()
    flash("您已安全退出。", "success")
    return redirect(url_for("public.home"))
