"""Outbox rules: enqueue a message with the change that caused it; deliver due messages with retries.

Delivery guarantees. A message is claimed (``claimed_until`` = now + lease) in a committed
transaction before it is sent, so two workers never send the same message while the lease
holds; a worker stops starting new sends once half its lease is used and releases the rest.
``sent_at`` is committed right after the SMTP server accepted the message. The one window for
a duplicate is a crash (or lost database connection) between that acceptance and the commit:
the lease then expires and the message is sent again, with the same Message-ID so mail
clients can tell. A message is never lost: until ``sent_at`` is set it is retried with
exponential back-off, and after :data:`MAX_ATTEMPTS` it is given up and kept with its error.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from portal.core.timefmt import utcnow
from portal.extensions import db
from portal.outbox.models import OutboxMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(hours=6)
LEASE = timedelta(minutes=10)
# next_attempt_at of a message given up: never due again.
GIVEN_UP_AT = datetime(9999, 1, 1)

# One bare address (addr-spec): no display name, no list, no spaces, no control characters.
_ATOM = r"[^@\s<>()\[\]\\,;:\"]"
_ADDRESS_RE = re.compile(rf"{_ATOM}+@(?!\.)(?!.*\.\.){_ATOM}+(?<!\.)")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_LIMITS = {"recipient": 254, "subject": 200, "dedupe_key": 120}


class PermanentDeliveryError(Exception):
    """Raised by a sender when retrying cannot help (e.g. the server refused the address: 5xx)."""


@dataclass(frozen=True)
class DeliveryReport:
    """What one :func:`deliver_due` run did."""

    sent: int = 0
    failed: int = 0
    gave_up: int = 0


def check_headers(recipient: str, subject: str) -> None:
    """Raise ``ValueError`` unless ``recipient`` is one bare address and both are single-line.

    Line breaks (CR, LF, or any other control character) are refused so no header can be
    injected through a citizen-supplied address or a subject.
    """
    for name, value in (("recipient", recipient), ("subject", subject)):
        if _CONTROL_RE.search(value):
            raise ValueError(f"{name} must not contain line breaks or control characters")
        if len(value) > _LIMITS[name]:
            raise ValueError(f"{name} is longer than {_LIMITS[name]} characters")
    if not subject.strip():
        raise ValueError("subject must not be empty")
    if not recipient.isascii() or not _ADDRESS_RE.fullmatch(recipient):
        raise ValueError(f"not a plain e-mail address: {recipient!r}")


def enqueue(recipient: str, subject: str, body: str, dedupe_key: str) -> OutboxMessage | None:
    """Add a message to the current transaction (flushed, never committed); return its row.

    If a message with ``dedupe_key`` exists it is returned unchanged and nothing is added.
    ``None`` is returned only when a concurrent transaction inserted the same key and its row
    is not visible here (not the case under the default READ COMMITTED isolation). The caller
    composes ``body`` for its reader: text meant for a citizen must come through the
    classification filter. Raises ``ValueError`` for a bad address, subject or key.
    """
    check_headers(recipient, subject)
    if not dedupe_key or len(dedupe_key) > _LIMITS["dedupe_key"] or _CONTROL_RE.search(dedupe_key):
        raise ValueError("dedupe_key must be 1-120 characters without control characters")
    by_key = select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)
    existing = db.session.scalar(by_key)  # autoflush: also finds one enqueued earlier in this transaction
    if existing is not None:
        return existing
    now = utcnow()
    values = {
        "created_at": now, "recipient": recipient, "subject": subject, "body": body,
        "dedupe_key": dedupe_key, "attempts": 0, "next_attempt_at": now, "last_error": "",
    }
    dialect = db.session.get_bind().dialect.name
    if dialect in {"postgresql", "sqlite"}:
        # ON CONFLICT DO NOTHING: a concurrent enqueue of the same key neither fails this
        # transaction nor creates a second row.
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        db.session.execute(
            insert(OutboxMessage).values(**values).on_conflict_do_nothing(index_elements=["dedupe_key"])
        )
        return db.session.scalar(by_key)
    message = OutboxMessage(**values)
    db.session.add(message)
    db.session.flush()
    return message


def retry_delay(attempts: int) -> timedelta:
    """Back-off after ``attempts`` failures: 1 min, 2, 4, ... capped at 6 hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), MAX_RETRY)


def _claim(now: datetime, batch: int, lease: timedelta) -> list[int]:
    """Lease up to ``batch`` due messages to this worker and commit; return their ids."""
    due = (
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
    )
    pick = select(OutboxMessage.id).where(*due).order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    pick = pick.limit(batch)
    if db.session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    # One UPDATE ... WHERE id IN (SELECT ...) RETURNING: atomic on SQLite (one writer at a
    # time) and, with SKIP LOCKED, never blocking or double-claiming on PostgreSQL.
    claim = (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(pick.scalar_subquery()), *due)
        .values(claimed_until=now + lease)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    ids = sorted(db.session.scalars(claim).all())
    db.session.commit()
    return ids


def _record_failure(message: OutboxMessage, exc: Exception, now: datetime) -> bool:
    """Store a failed attempt; return True when the message is now given up."""
    message.attempts += 1
    message.last_error = f"{type(exc).__name__}: {exc}"[: OutboxMessage.last_error.type.length]
    message.claimed_until = None
    if isinstance(exc, PermanentDeliveryError) or message.attempts >= MAX_ATTEMPTS:
        message.next_attempt_at = GIVEN_UP_AT
        log.warning("outbox message %s given up after %s attempts: %s",
                    message.id, message.attempts, message.last_error)
        return True
    message.next_attempt_at = now + retry_delay(message.attempts)
    log.info("outbox message %s failed (attempt %s): %s", message.id, message.attempts, message.last_error)
    return False


def deliver_due(
    send: Callable[[OutboxMessage], None],
    now: datetime | None = None,
    batch: int = 50,
    *,
    lease: timedelta = LEASE,
) -> DeliveryReport:
    """Claim up to ``batch`` due messages, call ``send`` on each, and record the outcome.

    ``send`` raises on failure (:class:`PermanentDeliveryError` to give up at once). ``now``
    (naive UTC) fixes the clock for tests; by default the real time is used. This function
    commits the session several times: call it from a worker, never inside a request.
    """

    def clock() -> datetime:
        return now if now is not None else utcnow()

    started = time.monotonic()
    ids = _claim(clock(), batch, lease)
    sent = failed = gave_up = 0
    for position, message_id in enumerate(ids):
        if time.monotonic() - started > lease.total_seconds() / 2:
            # Half the lease used: hand the rest back rather than risk a second worker's claim.
            db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids[position:]), OutboxMessage.sent_at.is_(None))
                .values(claimed_until=None)
                .execution_options(synchronize_session=False)
            )
            db.session.commit()
            break
        message = db.session.get(OutboxMessage, message_id)
        if message is None or message.sent_at is not None:
            continue
        try:
            send(message)
        except Exception as exc:
            if _record_failure(message, exc, clock()):
                gave_up += 1
            else:
                failed += 1
        else:
            message.sent_at = clock()
            message.claimed_until = None
            sent += 1
        db.session.commit()
    return DeliveryReport(sent=sent, failed=failed, gave_up=gave_up)
