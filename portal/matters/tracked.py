"""Which matters this browser has proved it may see: the party's session holds their ids.

A party opens a matter's pages by its tracking number only after giving the access code (or right
after filing it); the session remembers the last ten such matters. Without that proof a status link
leads back to the lookup form with the number filled in, never to a "not found" that would tell
whether the number exists.
"""

from __future__ import annotations

import re
from typing import TypeVar

from flask import abort, session
from sqlalchemy import select

from portal.extensions import db
from portal.matters.models import Matter

REMEMBERED = 10
T = TypeVar("T")
TRACKING_NO = re.compile(r"(GK|TS|ZX)-\d{4}-\d{6}")


def remember_tracked(matter_id: int) -> None:
    """Let this browser see the matter ``matter_id`` (kept among the last ten)."""
    session["tracked"] = [*session.get("tracked", [])[-(REMEMBERED - 1):], matter_id]


def tracked_matter(tracking_no: str, kind: str) -> Matter | None:
    """The matter numbered ``tracking_no`` of ``kind`` if this browser may see it, else None."""
    allowed = session.get("tracked", [])
    if not allowed or not TRACKING_NO.fullmatch(tracking_no):
        return None
    matter = db.session.scalar(select(Matter).where(Matter.tracking_no == tracking_no))
    if matter is None or matter.kind != kind or matter.id not in allowed:
        return None
    return matter


def lookup_prefill(tracking_no: str) -> str:
    """``tracking_no`` if it looks like one of ours, for the lookup form; otherwise nothing."""
    return tracking_no if TRACKING_NO.fullmatch(tracking_no) else ""


def tracked_record(tracking_no: str, kind: str, model: type[T]) -> T:
    """The ``model`` row (keyed by its matter's id) of the matter numbered ``tracking_no`` when
    this browser may see it; else 404, which never tells whether the number exists."""
    matter = tracked_matter(tracking_no, kind)
    if matter is None:
        abort(404)
    return db.session.get_one(model, matter.id)
