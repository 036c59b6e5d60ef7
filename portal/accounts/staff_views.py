"""Account administration pages under /staff/accounts/ (administrators only)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.accounts import admin
from portal.accounts.forms import (
    AccountCreateForm,
    AccountEditForm,
    AccountFilterForm,
    ActionForm,
    PasswordResetForm,
)
from portal.accounts.models import Department, Role, User
from portal.accounts.services import AccountError, create_user
from portal.auth.access import role_required
from portal.extensions import db

bp = Blueprint("accounts_staff", __name__, url_prefix="/staff/accounts")
admin_required = role_required(Role.ADMIN)


def _departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.position, Department.id)))


def _department_choices(none_label: str) -> list[tuple[int, str]]:
    return [(0, none_label), *((d.id, d.name) for d in _departments())]


def _account(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/")
@admin_required
def index():
    """Every account, filtered by role, department, status and name."""
    form = AccountFilterForm(request.args)
    form.department.choices = _department_choices("全部")
    users = admin.list_users(role=form.role.data or "", department_id=form.department.data or None,
                             status=form.status.data or "", text=form.q.data or "")
    return render_template("accounts/staff_list.html", form=form, users=users)


def _new_password(form: AccountCreateForm | PasswordResetForm) -> tuple[str, bool]:
    """The password the form asks for, and whether the portal generated it (to be shown once)."""
    if form.password_mode.data == "manual":
        return form.password.data, False
    return admin.generate_password(), True


def _lacks_department(form: AccountCreateForm) -> bool:
    """True (and the field marked) when a member of staff is to be created without a department."""
    if form.role.data == Role.STAFF.value and not form.department_id.data:
        form.department_id.errors = [*form.department_id.errors, "工作人员必须属于一个部门。"]
        return True
    return False


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def create():
    """Create an account with a generated or typed password."""
    form = AccountCreateForm()
    form.department_id.choices = _department_choices("无")
    if form.validate_on_submit() and not _lacks_department(form):
        password, generated = _new_password(form)
        department = db.session.get(Department, form.department_id.data or 0)
        try:
            user = create_user(form.username.data, password, Role(form.role.data),
                               department.code if department else None, form.display_name.data or "",
                               form.email.data or "", actor_id=current_user.id)
        except AccountError as exc:
            form.username.errors = [*form.username.errors, str(exc)]
        else:
            if generated:
                user.password_must_change = True
                return render_template("accounts/staff_password_shown.html", user=user,
                                       password=password, created=True)
            flash(f"账号 {user.username} 已创建。", "success")
            return redirect(url_for(".edit", user_id=user.id))
    return render_template("accounts/staff_new.html", form=form), 422 if form.errors else 200


def _edit_page(user: User, form: AccountEditForm, reset: PasswordResetForm, status: int = 200):
    return render_template("accounts/staff_edit.html", user=user, form=form, reset=reset,
                           action=ActionForm()), status


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit(user_id: int):
    """An account's name, e-mail, role and department, with its password and session actions."""
    user = _account(user_id)
    form = AccountEditForm(obj=user if request.method == "GET" else None)
    form.department_id.choices = _department_choices("无")
    if request.method == "GET":
        form.department_id.data = user.department_id or 0
    elif form.validate_on_submit():
        try:
            changes = admin.update_profile(user, current_user.id, Role(form.role.data),
                                           form.department_id.data or None, form.display_name.data or "",
                                           form.email.data or "")
        except AccountError as exc:
            flash(str(exc), "error")
            return _edit_page(user, form, PasswordResetForm(), 422)
        flash("已保存。" if changes else "没有改动。", "success")
        return redirect(url_for(".edit", user_id=user.id))
    return _edit_page(user, form, PasswordResetForm(), 422 if form.errors else 200)


@bp.route("/<int:user_id>/password", methods=["POST"])
@admin_required
def reset_password(user_id: int):
    """Give the account a new password; its sessions end."""
    user = _account(user_id)
    form = PasswordResetForm()
    if user.id == current_user.id:
        flash("请在「修改密码」页面修改自己的密码。", "error")
        return redirect(url_for(".edit", user_id=user.id))
    if not form.validate_on_submit():
        edit_form = AccountEditForm(obj=user)
        edit_form.department_id.choices = _department_choices("无")
        edit_form.department_id.data = user.department_id or 0
        return _edit_page(user, edit_form, form, 422)
    password, generated = _new_password(form)
    admin.reset_password(user, current_user.id, password, one_time=generated)
    if generated:
        return render_template("accounts/staff_password_shown.html", user=user, password=password,
                               created=False)
    flash(f"{user.username} 的密码已重置，其所有会话已结束。", "success")
    return redirect(url_for(".edit", user_id=user.id))


def _act(user_id: int, change: Callable[[User], None], done: str):
    """Run one button's change on the account, then return to its page with the outcome."""
    user = _account(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        change(user)
    except AccountError as exc:
        flash(str(exc), "error")
    else:
        flash(done.format(name=user.username), "success")
    # An administrator who ended their own sessions is sent from there to the login page.
    return redirect(url_for(".edit", user_id=user.id))


@bp.route("/<int:user_id>/disable", methods=["POST"])
@admin_required
def disable(user_id: int):
    """Disable the account: it cannot sign in and its sessions end at once."""
    return _act(user_id, lambda u: admin.set_active(u, current_user.id, False),
                "账号 {name} 已停用，其所有会话已结束。")


@bp.route("/<int:user_id>/enable", methods=["POST"])
@admin_required
def enable(user_id: int):
    """Enable a disabled account again."""
    return _act(user_id, lambda u: admin.set_active(u, current_user.id, True), "账号 {name} 已启用。")


@bp.route("/<int:user_id>/sessions", methods=["POST"])
@admin_required
def end_sessions(user_id: int):
    """End every session of the account, on every machine."""
    return _act(user_id, lambda u: admin.end_sessions(u, current_user.id), "{name} 的全部会话已结束。")
