"""Storing a citizen's submission once, quickly, with a gap-free number.

The tracking number is taken in the transaction that stores the submission, so a submission that
is not stored gives its number back. Concurrent submissions queue on the counter row (PostgreSQL)
or the write lock (SQLite) from the moment the number is taken until the commit; everything slow
— the access code's hash, reading and checking the upload — is done before, outside the lock, and
the transaction commits as soon as the rows are written, before any page is rendered.

A busy database is retried for a bounded time (:func:`portal.web.busy.with_retry`). The same form
posted twice, even at the same instant, stores one submission: the second post meets the unique
``submission_key``, rolls back and answers with the first one's receipt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import current_app
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from portal.extensions import db
from portal.matters.models import Matter
from portal.matters.services import access_code_for, matter_by_submission
from portal.web.busy import with_retry

T = TypeVar("T")


@dataclass(frozen=True)
class AccessCode:
    """A submission's access code, shown once on the receipt, and the hash that is stored."""

    code: str
    hash: str


def access_code(submission_key: str) -> AccessCode:
    """The access code of the form with ``submission_key`` and its hash (slow: call before any lock)."""
    code = access_code_for(submission_key)
    return AccessCode(code, generate_password_hash(code, current_app.config["PASSWORD_HASH_METHOD"]))


def store_once(submission_key: str, store: Callable[[], T], existing: Callable[[Matter], T]) -> T:
    """Commit what ``store`` writes, or answer ``existing(matter)`` for an earlier post of the form.

    ``store`` writes the submission's rows (taking the number) and returns the outcome; it may be
    called more than once when the database is busy, each time in a fresh transaction.
    """

    def attempt() -> T:
        earlier = matter_by_submission(submission_key)
        if earlier is not None:
            return existing(earlier)
        outcome = store()
        db.session.commit()
        return outcome

    try:
        return with_retry(attempt)
    except IntegrityError:
        db.session.rollback()
        earlier = matter_by_submission(submission_key)
        if earlier is None:
            raise
        return existing(earlier)
