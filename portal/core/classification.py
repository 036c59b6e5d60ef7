"""Classification levels, who is cleared for which, and the reason cited for withholding.

Pure Python. Model fields declare their level with :func:`classified` (stored in the column's
``info``); :mod:`portal.disclose` reads those declarations and asks :func:`may_see` field by
field. A field with no declaration is treated as not public.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    """The levels of DOMAIN.md, from public to never-stored."""

    PUBLIC = "公开"
    INTERNAL = "内部"
    POLICE_SECRET = "警务工作秘密"
    STATE_SECRET = "国家秘密"
    COMMERCIAL_SECRET = "商业秘密"
    PRIVATE = "个人隐私"
    MINOR = "未成年人信息"


# The legal ground cited when a field or a part of a text at this level is withheld.
REASONS: dict[Level, str] = {
    Level.INTERNAL: "依据《政府信息公开条例》第十六条，内部事务信息和过程性信息可不予公开",
    Level.POLICE_SECRET: "依据《政府信息公开条例》第十四条、《公安机关执法公开规定》第六条，警务工作秘密不予公开",
    Level.STATE_SECRET: "依据《政府信息公开条例》第十四条，国家秘密不予公开（本系统不存储其内容）",
    Level.COMMERCIAL_SECRET: "依据《政府信息公开条例》第十五条，商业秘密不予公开",
    Level.PRIVATE: "依据《政府信息公开条例》第十五条，个人隐私不予公开",
    Level.MINOR: "依据《政府信息公开条例》第十五条、《中华人民共和国未成年人保护法》，未成年人信息不予公开",
}

PUBLIC_VIEWER_ROLE = "public"

# Levels each role sees on any record. Staff additionally see 个人隐私 of their own department's
# matters (see :func:`may_see`); nobody sees 国家秘密 content, which is never stored.
CLEARANCE: dict[str, frozenset[Level]] = {
    PUBLIC_VIEWER_ROLE: frozenset({Level.PUBLIC}),
    "staff": frozenset({Level.PUBLIC, Level.INTERNAL}),
    # Supervisors (督察/法制/公开办) approve withholding, so they must read what is withheld.
    "supervisor": frozenset({Level.PUBLIC, Level.INTERNAL, Level.POLICE_SECRET,
                             Level.COMMERCIAL_SECRET, Level.PRIVATE, Level.MINOR}),
    # Administrators run accounts, calendar and rules: no personal data (least privilege).
    "admin": frozenset({Level.PUBLIC, Level.INTERNAL, Level.POLICE_SECRET,
                        Level.COMMERCIAL_SECRET}),
}
PERSONAL_LEVELS = frozenset({Level.PRIVATE, Level.MINOR})

# Credentials and similar: never disclosed to anyone, through any channel.
NEVER = {"level": Level.INTERNAL, "never": True}
PUBLIC_FIELD = {"level": Level.PUBLIC}
INTERNAL_FIELD = {"level": Level.INTERNAL}


@dataclass(frozen=True)
class Viewer:
    """Who is looking: a role and, for staff, their department."""

    role: str = PUBLIC_VIEWER_ROLE
    department_id: int | None = None
    user_id: int | None = None

    @property
    def is_public(self) -> bool:
        """True for anonymous citizens (and every public channel: feeds, API, index, e-mail)."""
        return self.role == PUBLIC_VIEWER_ROLE


PUBLIC = Viewer()


def classified(
    level: Level, *, free_text: bool = False, markdown: bool = False, person_name: bool = False
) -> dict:
    """The ``info`` mapping a column or relationship declares its level with.

    ``free_text``: prose (or a list of it) that may hold personal data and withheld spans;
    the public gets it redacted and masked. ``markdown``: like free text, and rendered to
    sanitized HTML (``body_md`` also yields ``body_html`` and ``body_excerpt``).
    ``person_name``: a private person's name, published as 张某.
    """
    return {"level": Level(level), "free_text": free_text or markdown, "markdown": markdown,
            "person_name": person_name}


def may_see(
    viewer: Viewer,
    level: Level,
    *,
    record_department_id: int | None = None,
    involves_minor: bool = False,
) -> bool:
    """True when ``viewer`` may see a field at ``level`` of a record."""
    if level is Level.STATE_SECRET:
        return False
    if involves_minor and level in PERSONAL_LEVELS:
        return Level.MINOR in CLEARANCE.get(viewer.role, frozenset())
    if level in CLEARANCE.get(viewer.role, frozenset()):
        return True
    return (
        level is Level.PRIVATE
        and viewer.role == "staff"
        and viewer.department_id is not None
        and viewer.department_id == record_department_id
    )


def disclosed_property(level: Level, **flags: bool):
    """Declare a computed property's level: put ``@disclosed_property(Level.PUBLIC)`` above it."""

    def decorate(function):
        function.classification = classified(level, **flags)
        return property(function)

    return decorate
