"""Signing the audit chain: an HMAC-SHA256 over a canonical JSON of each row and the one before.

The key lives outside the database (``AUDIT_KEY``, else ``instance/audit_key``), so whoever can
write the database but not read the key cannot sign a row: every forged, inserted or renumbered
row fails its check. Checking the chain is :mod:`portal.audit.chain`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

from flask import current_app

from portal.audit.models import AuditEvent
from portal.config import instance_secret

GENESIS = "0" * 64
KEY_FILE = "audit_key"


def chain_key() -> bytes:
    """The chain's HMAC key: the ``AUDIT_KEY`` setting, else the instance file (made on first use)."""
    key = current_app.config.get("AUDIT_KEY")
    if not key:
        key = instance_secret(Path(current_app.instance_path), KEY_FILE)
        current_app.config["AUDIT_KEY"] = key
    return key.encode()


def canonical(event: AuditEvent) -> bytes:
    """The signed bytes of ``event``: its place in the chain and every recorded field."""
    payload = json.dumps(
        {"seq": event.seq, "prev": event.prev_hash,
         "at": event.created_at.isoformat(timespec="microseconds"), "user": event.user_id,
         "action": event.action, "type": event.target_type, "target": event.target_id,
         "addr": event.remote_addr, "detail": event.detail},
        ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return payload.encode()


def row_hash(event: AuditEvent, key: bytes | None = None) -> str:
    """HMAC-SHA256 of ``event`` under ``key`` (the chain's key when not given), as hex."""
    return hmac.new(key if key is not None else chain_key(), canonical(event),
                    hashlib.sha256).hexdigest()


def signed(event: AuditEvent, key: bytes) -> bool:
    """True when ``event``'s stored hash is its HMAC under ``key`` (compared in constant time)."""
    return hmac.compare_digest(row_hash(event, key), event.hash or "")
