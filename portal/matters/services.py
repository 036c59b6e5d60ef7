"""Creating matters and moving them along: numbers, access codes, events, the clock."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import date

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from werkzeug.security import check_password_hash, generate_password_hash

from portal.audit.services import record
from portal.auth.hashing import dummy_hash
from portal.calendar.services import load_calendar
from portal.core.clock import ClockEvent, ClockPolicy, EventKind, compute
from portal.extensions import db
from portal.matters.form_keys import issue_key, issued_here
from portal.matters.models import Matter, MatterEvent, TrackingCounter

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone
CODE_LENGTH = 8


def next_tracking_number(prefix: str, year: int) -> str:
    """The next number of the year, e.g. ``GK-2026-000124``: unique and gap-free.

    The counter row is incremented with an UPDATE in the caller's transaction, so concurrent
    submissions queue on the row lock and a rolled-back submission gives its number back.
    """
    dialect = db.engine.dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(insert(TrackingCounter).values(prefix=prefix, year=year, last_value=0)
                       .on_conflict_do_nothing())
    value = db.session.execute(
        update(TrackingCounter)
        .where(TrackingCounter.prefix == prefix, TrackingCounter.year == year)
        .values(last_value=TrackingCounter.last_value + 1)
        .returning(TrackingCounter.last_value)
    ).scalar_one()
    return f"{prefix}-{year}-{value:06d}"


def access_code_for(submission_key: str) -> str:
    """The access code of a submission, derived from its one-time form key and the secret.

    Deriving it (instead of drawing it) lets a repeated submission of the same form (reload,
    double click) show the same code again, while only its hash is stored.
    """
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), submission_key.encode(),
                      hashlib.sha256).digest()
    return "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in digest[:CODE_LENGTH])


def new_submission_key() -> str:
    """A fresh one-time key embedded in a form, making its submission idempotent; bound to the
    visitor's session (see :mod:`portal.matters.form_keys`)."""
    return issue_key()


def matter_by_submission(submission_key: str) -> Matter | None:
    """The matter an earlier submission of the same form created, if any."""
    return db.session.scalar(select(Matter).where(Matter.submission_key == submission_key))


def unused_key_for(kind: str, submission_key: str) -> str:
    """``submission_key``, unless this visitor's session did not receive it, or a matter of
    another kind holds it (a key copied from another form): then a fresh key, so the submission
    is filed as new and never answers with someone else's receipt."""
    if not issued_here(submission_key):
        return new_submission_key()
    existing = matter_by_submission(submission_key)
    return new_submission_key() if existing is not None and existing.kind != kind else submission_key


def create_matter(kind: str, prefix: str, *, department_id: int, received_on: date,
                  submission_key: str, access_code_hash: str | None = None) -> tuple[Matter, str]:
    """Create a matter with its tracking number; return it and its access code.

    ``access_code_hash`` is the code's hash computed beforehand (it is slow, and the number's
    counter stays locked until the commit); without it the hash is computed here.
    """
    code = access_code_for(submission_key)
    code_hash = access_code_hash or generate_password_hash(code, current_app.config["PASSWORD_HASH_METHOD"])
    matter = Matter(
        kind=kind, tracking_no=next_tracking_number(prefix, received_on.year),
        access_code_hash=code_hash, submission_key=submission_key, received_on=received_on,
        department_id=department_id, status="received",
    )
    db.session.add(matter)
    db.session.flush()
    add_event(matter, EventKind.RECEIVED, received_on, actor_id=None)
    return matter, code


def find_by_code(tracking_no: str, access_code: str) -> Matter | None:
    """The matter with this tracking number if the access code matches, else None.

    Unknown numbers cost the same hash check as wrong codes, so timing reveals nothing.
    """
    matter = db.session.scalar(select(Matter).where(Matter.tracking_no == tracking_no.strip().upper()))
    stored = matter.access_code_hash if matter else dummy_hash()
    valid = check_password_hash(stored, access_code.strip().upper())
    return matter if matter is not None and valid else None


def clock_events(matter: Matter) -> list[ClockEvent]:
    """The matter's events that the statutory clock counts, in order."""
    counted = {kind.value for kind in EventKind}
    return [
        ClockEvent(kind=EventKind(e.kind), day=e.day, days=e.days, deadline=e.deadline)
        for e in matter.events if e.kind in counted and e.approved is not False
    ]


# Each kind of matter may register how its clock policy is found (complaints: per type).
POLICY_FINDERS: dict[str, Callable[[Matter], ClockPolicy]] = {}


def policy_for(matter: Matter) -> ClockPolicy:
    """The time limits that apply to ``matter`` (依申请公开 defaults unless its kind says)."""
    finder = POLICY_FINDERS.get(matter.kind)
    if finder is not None:
        return finder(matter)
    return ClockPolicy(fee_notice_pauses=current_app.config.get("FEE_NOTICE_PAUSES_CLOCK", True))


def recompute_due(matter: Matter, policy: ClockPolicy | None = None) -> None:
    """Store the due date, its explanation and state computed from the events."""
    result = compute(clock_events(matter), load_calendar(), policy or policy_for(matter))
    matter.due_on = result.due_on
    matter.due_provisional = result.provisional
    matter.clock_steps = list(result.steps)
    matter.clock_state = result.state


def add_event(matter: Matter, kind: str, day: date, *, actor_id: int | None, days: int | None = None,
              deadline: date | None = None, message: str = "", note: str = "",
              approved: bool | None = None) -> MatterEvent:
    """Append an event, recompute the due date, and audit it."""
    event = MatterEvent(matter=matter, kind=str(kind), day=day, days=days, deadline=deadline,
                        message=message, note=note, actor_id=actor_id, approved=approved)
    db.session.add(event)
    db.session.flush()
    db.session.refresh(matter, ["events"])
    recompute_due(matter)
    record(f"matter.{kind}", user_id=actor_id, target_type=matter.kind, target_id=matter.tracking_no,
           detail={"day": day.isoformat(), "days": days, "due_on": str(matter.due_on)})
    return event


def recompute_open_deadlines() -> int:
    """Recompute the due date of every open matter; return how many changed."""
    changed = 0
    for matter in db.session.scalars(select(Matter).where(Matter.closed_on.is_(None))):
        before = (matter.due_on, matter.due_provisional)
        recompute_due(matter)
        changed += (matter.due_on, matter.due_provisional) != before
    return changed
