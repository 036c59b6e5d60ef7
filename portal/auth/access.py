"""Access rules for back-office views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from portal.accounts.models import Department, Role
from portal.extensions import db


def role_required(*roles: Role) -> Callable:
    """Decorate a view so only logged-in users holding one of ``roles`` reach it."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = role_required(Role.STAFF, Role.SUPERVISOR, Role.ADMIN)


def require_department(department_id: int | None) -> None:
    """Abort with 403 unless the current user may manage ``department_id``'s content."""
    if not current_user.can_manage_department(department_id):
        abort(403)


def department_choices() -> list[SelectChoice]:
    """The departments the current user may act for, as choices of a select field: every
    department for supervisors and administrators, their own for other staff."""
    query = select(Department).order_by(Department.position, Department.id)
    if not current_user.is_overseer:
        query = query.where(Department.id == current_user.department_id)
    return [SelectChoice(d.id, d.name) for d in db.session.scalars(query)]
