"""Hashing and verifying the audit chain. The hash input is a canonical JSON of the row."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select

from portal.audit.models import AuditChainHead, AuditEvent
from portal.extensions import db

GENESIS = "0" * 64


def row_hash(event: AuditEvent) -> str:
    """SHA-256 over the previous hash and every recorded field of ``event``."""
    payload = json.dumps(
        {"seq": event.seq, "prev": event.prev_hash,
         "at": event.created_at.isoformat(timespec="microseconds"), "user": event.user_id,
         "action": event.action, "type": event.target_type, "target": event.target_id,
         "addr": event.remote_addr, "detail": event.detail},
        ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class Verdict:
    """The result of checking the chain: how many rows, and the first broken link if any."""

    checked: int
    broken_at: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        """True when every link holds."""
        return self.broken_at is None


def verify(batch: int = 5000) -> Verdict:
    """Walk the chain in order and report the first row that was altered, removed or inserted."""
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    last_id = 0
    while True:
        rows = list(db.session.scalars(
            select(AuditEvent).where(AuditEvent.seq > last_id).order_by(AuditEvent.seq).limit(batch)))
        if not rows:
            break
        for event in rows:
            if event.seq != expected_seq:
                return Verdict(checked, expected_seq, f"第 {expected_seq} 条记录缺失（被删除）")
            if event.prev_hash != expected_prev:
                return Verdict(checked, event.seq, f"第 {event.seq} 条记录与前一条的链接不符")
            if row_hash(event) != event.hash:
                return Verdict(checked, event.seq, f"第 {event.seq} 条记录的内容被修改")
            expected_prev, expected_seq, checked = event.hash, event.seq + 1, checked + 1
            last_id = event.seq
        db.session.expunge_all()
    head = db.session.get(AuditChainHead, 1)
    if head is not None and (head.seq != expected_seq - 1 or head.hash != expected_prev):
        return Verdict(checked, expected_seq, f"链尾第 {expected_seq} 条起的记录缺失（被删除）")
    return Verdict(checked)
