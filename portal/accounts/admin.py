"""Account administration: what administrators change on accounts, and a user on their own.

Every change is audited, and every change that should end sessions (disabling, a new password,
"end all sessions") raises the account's session epoch. At least one active administrator always
remains: an administrator cannot be disabled or given another role if none would be left.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from werkzeug.security import check_password_hash

from portal.accounts.models import Department, Role, User
from portal.accounts.services import AccountError, hash_password, revoke_sessions
from portal.audit.services import record
from portal.extensions import db

# Letters and digits that cannot be mistaken for each other when read off a screen.
_READABLE = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GENERATED_LENGTH = 14
LAST_ADMIN = "系统至少需要保留一个有效的系统管理员账号。"


def generate_password() -> str:
    """A random one-time password, shown once to the administrator who set it."""
    return "".join(secrets.choice(_READABLE) for _ in range(GENERATED_LENGTH))


def _keep_an_admin(user: User) -> None:
    """Refuse a change that would leave no active administrator besides ``user``.

    The active administrators' rows are locked (PostgreSQL) so two administrators demoting each
    other at once cannot both succeed.
    """
    if not (user.active and user.role == Role.ADMIN.value):
        return
    others = db.session.scalars(select(User.id).where(
        User.role == Role.ADMIN.value, User.active.is_(True), User.id != user.id,
    ).with_for_update()).all()
    if not others:
        raise AccountError(LAST_ADMIN)


def update_profile(user: User, actor_id: int, role: Role, department_id: int | None,
                   display_name: str, email: str) -> dict:
    """Change role, department, name and e-mail; return what changed (empty: nothing)."""
    department = db.session.get(Department, department_id) if department_id else None
    if department_id and department is None:
        raise AccountError("所选部门不存在。")
    if role is Role.STAFF and department is None:
        raise AccountError("工作人员必须属于一个部门。")
    if role.value != user.role:
        _keep_an_admin(user)
    wanted = {"role": role.value, "department_id": department.id if department else None,
              "display_name": display_name.strip() or user.username, "email": email.strip()}
    changes = {name: [getattr(user, name), value] for name, value in wanted.items()
               if getattr(user, name) != value}
    for name, (_old, value) in changes.items():
        setattr(user, name, value)
    if changes:
        db.session.flush()
        record("user.update", user_id=actor_id, target_type="user", target_id=user.id,
               detail={"username": user.username, "changes": changes})
    return changes


def set_active(user: User, actor_id: int, active: bool) -> None:
    """Disable (every session ends at once) or re-enable an account."""
    if user.active == active:
        return
    if not active:
        _keep_an_admin(user)
        revoke_sessions(user)
    user.active = active
    db.session.flush()
    record("user.enable" if active else "user.disable", user_id=actor_id, target_type="user",
           target_id=user.id, detail={"username": user.username})


def reset_password(user: User, actor_id: int, password: str, one_time: bool) -> None:
    """Give ``user`` a new password set by an administrator; their sessions end. A ``one_time``
    (generated) password must be replaced at the next sign-in."""
    user.password_hash = hash_password(password)
    user.password_must_change = one_time
    revoke_sessions(user)
    record("user.password_reset", user_id=actor_id, target_type="user", target_id=user.id,
           detail={"username": user.username})


def end_sessions(user: User, actor_id: int) -> None:
    """End every session of ``user`` on every machine (结束全部会话)."""
    revoke_sessions(user)
    record("user.sessions_ended", user_id=actor_id, target_type="user", target_id=user.id,
           detail={"username": user.username})


def change_own_password(user: User, old: str, new: str) -> None:
    """Change one's own password after checking the current one; every session of the account ends
    (the caller signs the current one in again)."""
    if not check_password_hash(user.password_hash, old):
        raise AccountError("原密码不正确。")
    if old == new:
        raise AccountError("新密码不能与原密码相同。")
    user.password_hash = hash_password(new)
    user.password_must_change = False
    revoke_sessions(user)
    record("user.password_change", user_id=user.id, target_type="user", target_id=user.id)


def list_users(role: str = "", department_id: int | None = None, status: str = "",
               text: str = "") -> list[User]:
    """Accounts matching the list page's filters, by username."""
    query = select(User).order_by(User.username)
    if role:
        query = query.where(User.role == role)
    if department_id:
        query = query.where(User.department_id == department_id)
    if status in ("active", "disabled"):
        query = query.where(User.active.is_(status == "active"))
    if text.strip():
        words = text.strip()
        query = query.where(User.username.icontains(words, autoescape=True)
                            | User.display_name.icontains(words, autoescape=True))
    return list(db.session.scalars(query))
