"""Checking the audit chain: the first broken row, and what kind of break it is.

Kinds of break, each named by the first row (``seq``) where the chain stops holding:

* ``modified`` — a row's content no longer matches its HMAC, or its link to the row before;
* ``deleted`` — a sequence number is missing from the middle of the chain;
* ``inserted`` — a row that was never signed into the chain: the next row links past it, its
  number lies beyond the recorded head, or its number is below 1;
* ``truncated`` — rows are missing at the end: the recorded head or a checkpoint reaches
  further than the last row;
* ``checkpoint`` — every row is signed, yet the chain disagrees with a kept checkpoint: it was
  rewritten by someone holding the key, at or before that checkpoint.

Checkpoints come from the ``audit_checkpoints`` table and from the caller (a published one kept
outside the database, given on the command line).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select

from portal.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from portal.audit.signing import GENESIS, chain_key, row_hash, signed
from portal.extensions import db

__all__ = ["GENESIS", "KINDS", "Checkpoint", "Verdict", "parse_checkpoint", "row_hash", "verify"]

KINDS = {
    "modified": "第 {seq} 条记录被修改",
    "deleted": "第 {seq} 条记录缺失（被删除）",
    "inserted": "第 {seq} 条记录是插入的，不属于原链",
    "truncated": "第 {seq} 条起的记录缺失（链尾被截断）",
    "checkpoint": "第 {seq} 条与检查点不符（此前的记录被重写）",
}


@dataclass(frozen=True)
class Checkpoint:
    """A kept head of the chain: the hash its row ``seq`` must carry."""

    seq: int
    hash: str


def parse_checkpoint(text: str) -> Checkpoint:
    """``SEQ:HASH`` as printed by ``portal audit checkpoint``; ValueError when malformed."""
    seq, _, digest = text.strip().partition(":")
    digest = digest.strip().lower()
    if not seq.strip().isdigit() or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError(f"检查点格式应为 序号:64位十六进制哈希，收到 {text!r}")
    return Checkpoint(int(seq), digest)


@dataclass(frozen=True)
class Verdict:
    """The result of checking the chain: rows that hold, and the first break if any."""

    checked: int
    broken_at: int | None = None
    kind: str = ""
    head_seq: int = 0
    head_hash: str = GENESIS

    @property
    def ok(self) -> bool:
        """True when every link holds."""
        return self.broken_at is None

    @property
    def problem(self) -> str:
        """The break in Chinese, with its kind in English (empty when the chain holds)."""
        if self.ok:
            return ""
        return f"{KINDS[self.kind].format(seq=self.broken_at)}（{self.kind}）"


@dataclass(frozen=True)
class _Link:
    seq: int
    prev: str
    hash: str
    signed: bool


def _links(key: bytes, batch: int) -> Iterator[_Link]:
    """Every row in ``seq`` order as plain data (the session is emptied between batches)."""
    last: int | None = None
    while True:
        query = select(AuditEvent).order_by(AuditEvent.seq).limit(batch)
        if last is not None:
            query = query.where(AuditEvent.seq > last)
        rows = list(db.session.scalars(query))
        if not rows:
            return
        links = [_Link(e.seq, e.prev_hash, e.hash, signed(e, key)) for e in rows]
        last = rows[-1].seq
        db.session.expunge_all()
        yield from links


def _recorded_head() -> tuple[int, str] | None:
    """The head row as committed now (read after the walk, so concurrent appends are covered)."""
    row = db.session.execute(select(AuditChainHead.seq, AuditChainHead.hash)
                             .where(AuditChainHead.id == 1)).first()
    return (row.seq, row.hash) if row else None


def _checkpoints(kept: list[Checkpoint]) -> dict[int, set[str]]:
    """Stored and given checkpoints: for each sequence number, the hashes it must carry."""
    wanted: dict[int, set[str]] = {}
    stored = db.session.execute(select(AuditCheckpoint.seq, AuditCheckpoint.head_hash))
    for seq, digest in [*stored, *((c.seq, c.hash) for c in kept)]:
        if seq > 0:
            wanted.setdefault(seq, set()).add(digest)
    return wanted


def _link_break(link: _Link, following: _Link | None, expected_seq: int, expected_prev: str,
                wanted: dict[int, set[str]]) -> tuple[int, str] | None:
    """Where and how ``link`` breaks the chain, or None when it follows on from the rows before."""
    if link.seq < expected_seq:
        return link.seq, "inserted"
    if link.seq > expected_seq:
        return expected_seq, "deleted"
    if not link.signed or link.prev != expected_prev:
        if following is not None and following.prev == expected_prev:
            return link.seq, "inserted"
        head = _recorded_head() if following is None else None
        return link.seq, ("inserted" if head and head[0] < link.seq else "modified")
    if link.seq in wanted and wanted[link.seq] != {link.hash}:
        return link.seq, "checkpoint"
    return None


def _tail_break(last: int, last_hash: str, wanted: dict[int, set[str]]) -> tuple[int, str] | None:
    """A break after the last row: the recorded head or a checkpoint names rows that are gone."""
    head = _recorded_head()
    if (head and head[0] > last) or any(seq > last for seq in wanted):
        return last + 1, "truncated"
    if head and head[0] == last and head[1] != last_hash:
        return last, "modified"
    return None


def verify(checkpoints: list[Checkpoint] | None = None, batch: int = 5000) -> Verdict:
    """Walk the chain in order and report the first row that was modified, deleted or inserted,
    a truncated tail, or a disagreement with a stored or given checkpoint."""
    wanted = _checkpoints(checkpoints or [])
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    links = _links(chain_key(), batch)
    link = next(links, None)
    while link is not None:
        following = next(links, None)
        found = _link_break(link, following, expected_seq, expected_prev, wanted)
        if found is not None:
            return Verdict(checked, found[0], found[1], expected_seq - 1, expected_prev)
        expected_prev, expected_seq, checked = link.hash, link.seq + 1, checked + 1
        link = following
    found = _tail_break(expected_seq - 1, expected_prev, wanted)
    if found is not None:
        return Verdict(checked, found[0], found[1], expected_seq - 1, expected_prev)
    return Verdict(checked, head_seq=expected_seq - 1, head_hash=expected_prev)
