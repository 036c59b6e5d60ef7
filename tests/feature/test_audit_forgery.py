"""Each way a database writer might rewrite the audit log is caught, with the right row and kind.

The forger can write every table but does not hold the chain's key, unless stated otherwise; a
forger who does hold it is caught by a checkpoint kept outside the database.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

import pytest
from sqlalchemy import delete, func, select, update

from portal.audit.chain import Checkpoint, verify
from portal.audit.checkpoints import take_checkpoint
from portal.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from portal.audit.services import record
from portal.audit.signing import canonical
from portal.extensions import db
from tests.conftest import TEST_AUDIT_KEY

ROWS = 8


@pytest.fixture
def chain(app):
    """An app whose audit log holds at least :data:`ROWS` events; yields its last sequence number."""
    with app.app_context():
        for number in range(ROWS):
            record("test.event", user_id=None, target_type="Matter", target_id=number,
                   detail={"步骤": number})
        db.session.commit()
        last = db.session.scalar(select(func.max(AuditEvent.seq)))
    return last


def _head(seq: int, digest: str) -> None:
    db.session.execute(update(AuditChainHead).where(AuditChainHead.id == 1).values(seq=seq, hash=digest))


def _rewrite(sign: Callable[[bytes], str], start: int = 1, change: Callable | None = None) -> None:
    """Re-chain every row from ``start`` with ``sign`` (after ``change`` to each), head included."""
    events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
    prev = events[start - 2].hash if start > 1 else "0" * 64
    for event in events[start - 1:]:
        if change:
            change(event)
        event.prev_hash = prev
        event.hash = prev = sign(canonical(event))
    db.session.flush()
    _head(events[-1].seq, prev)
    db.session.commit()


def _plain(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _keyed(key: str) -> Callable[[bytes], str]:
    return lambda data: hmac.new(key.encode(), data, hashlib.sha256).hexdigest()


def _break(checkpoints: list[Checkpoint] | None = None) -> tuple[int | None, str]:
    verdict = verify(checkpoints)
    return verdict.broken_at, verdict.kind


def test_an_intact_chain_holds_and_its_head_is_the_last_row(app, chain):
    with app.app_context():
        verdict = verify()
        last = db.session.scalar(select(AuditEvent).where(AuditEvent.seq == chain))
        assert verdict.ok and verdict.checked == chain
        assert (verdict.head_seq, verdict.head_hash) == (chain, last.hash)


def test_a_modified_detail(app, chain):
    with app.app_context():
        db.session.execute(update(AuditEvent).where(AuditEvent.seq == chain - 3)
                           .values(detail={"步骤": "已改"}))
        db.session.commit()
        assert _break() == (chain - 3, "modified")


def test_a_deleted_row(app, chain):
    with app.app_context():
        db.session.execute(delete(AuditEvent).where(AuditEvent.seq == 4))
        db.session.commit()
        assert _break() == (4, "deleted")


def test_a_row_inserted_in_the_middle_with_later_rows_renumbered(app, chain):
    with app.app_context():
        at = chain - 2
        previous = db.session.scalar(select(AuditEvent).where(AuditEvent.seq == at - 1))
        last_hash = db.session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == chain))
        moved = AuditEvent.seq >= at
        db.session.execute(update(AuditEvent).where(moved).values(seq=-AuditEvent.seq))
        db.session.execute(update(AuditEvent).where(AuditEvent.seq < 0).values(seq=1 - AuditEvent.seq))
        forged = AuditEvent(seq=at, prev_hash=previous.hash, created_at=previous.created_at,
                            action="matter.close", target_type="Matter", target_id="1",
                            remote_addr="cli", detail={}, hash="")
        forged.hash = _plain(canonical(forged))
        db.session.add(forged)
        _head(chain + 1, last_hash)  # a careful forger moves the head along
        db.session.commit()
        assert _break() == (at, "inserted")


def test_a_row_appended_behind_the_head(app, chain):
    with app.app_context():
        last = db.session.scalar(select(AuditEvent).where(AuditEvent.seq == chain))
        forged = AuditEvent(seq=chain + 1, prev_hash=last.hash, created_at=last.created_at,
                            action="login", remote_addr="cli", detail={}, hash="0" * 64)
        db.session.add(forged)
        db.session.commit()
        assert _break() == (chain + 1, "inserted")


def test_a_row_numbered_below_one(app, chain):
    with app.app_context():
        db.session.add(AuditEvent(seq=0, prev_hash="0" * 64, action="login", remote_addr="cli",
                                  detail={}, hash="0" * 64))
        db.session.commit()
        assert _break() == (0, "inserted")


def test_a_truncated_tail_against_the_head_and_a_stored_checkpoint(app, chain):
    with app.app_context():
        take_checkpoint()
        db.session.execute(delete(AuditEvent).where(AuditEvent.seq > chain - 2))
        db.session.commit()
        assert _break() == (chain - 1, "truncated")
        # The forger also winds the head back: the stored checkpoint still reaches further.
        _head(chain - 2, db.session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == chain - 2)))
        db.session.commit()
        assert _break() == (chain - 1, "truncated")


def test_a_truncated_tail_with_stored_checkpoints_deleted_is_caught_by_a_kept_one(app, chain):
    with app.app_context():
        kept = take_checkpoint().checkpoint
        kept = Checkpoint(kept.seq, kept.head_hash)
        db.session.execute(delete(AuditEvent).where(AuditEvent.seq > chain - 2))
        db.session.execute(delete(AuditCheckpoint))
        _head(chain - 2, db.session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == chain - 2)))
        db.session.commit()
        assert verify().ok  # nothing inside the database betrays it any more
        assert _break([kept]) == (chain - 1, "truncated")


@pytest.mark.parametrize("sign", [_plain, _keyed("a-guessed-key")], ids=["plain-sha256", "wrong-key"])
def test_the_whole_chain_rewritten_without_the_key(app, chain, sign):
    def tamper(event: AuditEvent) -> None:
        if event.seq == 3:
            event.detail = {"改写": True}

    with app.app_context():
        _rewrite(sign, change=tamper)
        assert _break() == (1, "modified")


def test_a_rewrite_with_the_key_is_caught_by_a_kept_checkpoint(app, chain):
    def tamper(event: AuditEvent) -> None:
        if event.seq == 2:
            event.action = "nothing"

    with app.app_context():
        outcome = take_checkpoint()
        kept = f"{outcome.checkpoint.seq}:{outcome.checkpoint.head_hash}"
        _rewrite(_keyed(TEST_AUDIT_KEY), start=2, change=tamper)
        assert _break() == (chain, "checkpoint")  # the stored checkpoint disagrees
        db.session.execute(delete(AuditCheckpoint))  # ...so the forger removes it
        db.session.commit()
        assert verify().ok
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--checkpoint", kept])
    assert result.exit_code == 1
    assert f"第 {chain} 条" in result.output and "checkpoint" in result.output
    assert f"seq {chain}" in result.output


def test_cli_names_the_row_and_kind_and_rejects_a_malformed_checkpoint(app, chain):
    runner = app.test_cli_runner()
    with app.app_context():
        db.session.execute(delete(AuditEvent).where(AuditEvent.seq == 5))
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "第 5 条记录缺失" in result.output and "seq 5: deleted" in result.output
    result = runner.invoke(args=["audit", "verify", "--checkpoint", "12:not-a-hash"])
    assert result.exit_code == 2 and "检查点格式" in result.output
