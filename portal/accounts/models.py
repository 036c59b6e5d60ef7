"""Tables for departments, users and login throttling."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.classification import INTERNAL_FIELD, NEVER, PUBLIC_FIELD
from portal.core.timefmt import utcnow
from portal.extensions import Model
from portal.public_content import public_content


class Role(StrEnum):
    """What a user may do; ``public`` is the anonymous visitor and never stored."""

    STAFF = "staff"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """The role's name in Chinese."""
        return {"staff": "工作人员", "supervisor": "监督人员", "admin": "系统管理员"}[self.value]


@public_content
class Department(Model):
    """A unit of the bureau (户政, 出入境, ...) that owns guides, notices and matters."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True, info=PUBLIC_FIELD)
    code: Mapped[str] = mapped_column(String(32), unique=True, info=PUBLIC_FIELD)
    name: Mapped[str] = mapped_column(String(64), info=PUBLIC_FIELD)
    position: Mapped[int] = mapped_column(default=0, info=PUBLIC_FIELD)

    def __repr__(self) -> str:
        return f"<Department {self.code}>"


class User(UserMixin, Model):
    """A member of staff, a supervisor or an administrator."""

    __tablename__ = "users"

    # Accounts never reach the public; staff see names and roles (内部).
    id: Mapped[int] = mapped_column(primary_key=True, info=INTERNAL_FIELD)
    username: Mapped[str] = mapped_column(String(64), unique=True, info=INTERNAL_FIELD)
    display_name: Mapped[str] = mapped_column(String(64), default="", info=INTERNAL_FIELD)
    email: Mapped[str] = mapped_column(String(254), default="", info=INTERNAL_FIELD)
    password_hash: Mapped[str] = mapped_column(String(255), info=NEVER)
    role: Mapped[str] = mapped_column(String(16), info=INTERNAL_FIELD)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    # What the complaint rules need to keep a complaint away from the officer and their chain.
    police_number: Mapped[str] = mapped_column(String(16), default="", info=INTERNAL_FIELD)
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=INTERNAL_FIELD)
    is_department_head: Mapped[bool] = mapped_column(default=False, info=INTERNAL_FIELD)
    active: Mapped[bool] = mapped_column(default=True)
    # Raised to end every session of the account at once, on every machine (see get_id).
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    # Set with a generated one-time password: the back office asks for a new one first.
    password_must_change: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    department: Mapped[Department | None] = relationship(lazy="joined")
    supervisor: Mapped[User | None] = relationship(remote_side="User.id", lazy="select")

    @property
    def is_active(self) -> bool:  # Flask-Login: disabled accounts cannot log in
        return self.active

    def get_id(self) -> str:
        """Flask-Login's session token: ``"<id>:<epoch>"``, void once the epoch is raised."""
        return f"{self.id}:{self.session_epoch or 0}"

    @property
    def role_enum(self) -> Role:
        """The user's role as a :class:`Role`."""
        return Role(self.role)

    def has_role(self, *roles: Role) -> bool:
        """True when the user holds one of ``roles``."""
        return self.role in {r.value for r in roles}

    @property
    def is_overseer(self) -> bool:
        """Supervisors and administrators see and act across departments."""
        return self.has_role(Role.SUPERVISOR, Role.ADMIN)

    def can_manage_department(self, department_id: int | None) -> bool:
        """True when the user may edit content owned by ``department_id``."""
        return self.is_overseer or (department_id is not None and department_id == self.department_id)

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class LoginThrottle(Model):
    """Failure counters per key (an address, or an address with an account or a number; see
    :mod:`portal.auth.throttle`), shared by all workers."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    first_failure_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]
