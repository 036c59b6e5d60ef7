"""Daily checkpoints: the chain's verified head, recorded once per local day and published.

``portal audit checkpoint`` runs from cron on one or several machines. The unique ``day``
makes it idempotent: a second run the same day, or a second machine racing the first, finds
the existing checkpoint (the loser's INSERT fails on the constraint and reads the winner's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.audit.chain import Verdict, verify
from portal.audit.models import AuditCheckpoint
from portal.core.timefmt import local_today, utcnow
from portal.extensions import db


class ChainBroken(Exception):
    """The chain does not verify, so no checkpoint may vouch for it."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(verdict.problem)
        self.verdict = verdict


@dataclass(frozen=True)
class Outcome:
    """The day's checkpoint and whether this run recorded it (False: it already existed)."""

    checkpoint: AuditCheckpoint
    created: bool


def checkpoint_of(day: date) -> AuditCheckpoint | None:
    """The checkpoint recorded for ``day``, if any."""
    return db.session.scalar(select(AuditCheckpoint).where(AuditCheckpoint.day == day))


def take_checkpoint(day: date | None = None) -> Outcome:
    """Verify the chain and record its head for ``day`` (today, local time) unless already done.

    Raises :class:`ChainBroken` when the chain does not verify: a checkpoint must never anchor
    a forged history.
    """
    day = day or local_today()
    existing = checkpoint_of(day)
    if existing is not None:
        return Outcome(existing, False)
    verdict = verify()
    if not verdict.ok:
        raise ChainBroken(verdict)
    checkpoint = AuditCheckpoint(day=day, seq=verdict.head_seq, row_count=verdict.checked,
                                 head_hash=verdict.head_hash, created_at=utcnow())
    db.session.add(checkpoint)
    try:
        db.session.commit()
    except IntegrityError:  # another machine recorded today's checkpoint meanwhile
        db.session.rollback()
        winner = checkpoint_of(day)
        if winner is None:
            raise
        return Outcome(winner, False)
    return Outcome(checkpoint, True)


def published(limit: int | None = None) -> list[AuditCheckpoint]:
    """Checkpoints newest first (``limit`` of them when given)."""
    query = select(AuditCheckpoint).order_by(AuditCheckpoint.day.desc())
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))
