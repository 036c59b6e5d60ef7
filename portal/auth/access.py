"""Access rules for back-office views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from portal.accounts.models import Role


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
