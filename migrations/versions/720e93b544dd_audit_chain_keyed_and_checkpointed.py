"""audit chain signed with HMAC-SHA256, and its daily checkpoints

The audit chain was hashed with plain SHA-256, which anyone able to write the database can
recompute. It is now an HMAC-SHA256 under a key kept outside the database (``AUDIT_KEY`` or
``instance/audit_key``). Existing rows are re-signed in order while the old chain holds; at the
first row that does not (altered, missing, inserted) re-signing stops, so the new check reports
that row instead of the upgrade laundering it. ``audit_checkpoints`` keeps one head per day.

Revision ID: 720e93b544dd
Revises: 6aeb352febb8
Create Date: 2026-12-05 13:10:00.000000

"""
import hashlib
import hmac
import json
import logging
from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '720e93b544dd'
down_revision = '6aeb352febb8'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
BATCH = 2000
log = logging.getLogger("alembic.runtime.migration")

events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer), sa.column("seq", sa.Integer), sa.column("created_at", sa.DateTime),
    sa.column("user_id", sa.Integer), sa.column("action", sa.String),
    sa.column("target_type", sa.String), sa.column("target_id", sa.String),
    sa.column("remote_addr", sa.String), sa.column("detail", sa.JSON),
    sa.column("prev_hash", sa.String), sa.column("hash", sa.String),
)
head = sa.table("audit_chain_head", sa.column("id", sa.Integer), sa.column("seq", sa.Integer),
                sa.column("hash", sa.String))


def _payload(row, prev: str) -> bytes:
    """The signed bytes of a row (frozen copy of portal.audit.signing.canonical)."""
    return json.dumps(
        {"seq": row.seq, "prev": prev,
         "at": row.created_at.isoformat(timespec="microseconds"), "user": row.user_id,
         "action": row.action, "type": row.target_type, "target": row.target_id,
         "addr": row.remote_addr, "detail": row.detail},
        ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _key() -> bytes:
    from portal.audit.signing import chain_key

    return chain_key()


def _resign(old: Callable[[bytes], str], new: Callable[[bytes], str]) -> None:
    """Re-sign the chain from ``old`` to ``new`` while the old chain holds; stop at its first break."""
    if op.get_context().as_sql:  # offline (--sql): rows cannot be read, so nothing to re-sign
        log.warning("offline migration: audit rows are not re-signed")
        return
    bind = op.get_bind()
    old_prev = new_prev = GENESIS
    expected, last = 1, None
    while True:
        query = sa.select(events).order_by(events.c.seq).limit(BATCH)
        if last is not None:
            query = query.where(events.c.seq > last)
        rows = bind.execute(query).all()
        if not rows:
            break
        updates = []
        for row in rows:
            if row.seq != expected or row.prev_hash != old_prev or old(_payload(row, old_prev)) != row.hash:
                log.warning("audit chain already broken at seq %s: later rows keep their old hashes", expected)
                _update(bind, updates)
                return
            digest = new(_payload(row, new_prev))
            updates.append({"row_id": row.id, "new_prev": new_prev, "new_hash": digest})
            old_prev, new_prev, expected = row.hash, digest, expected + 1
        _update(bind, updates)
        last = rows[-1].seq
    bind.execute(head.update().where(head.c.id == 1, head.c.seq == expected - 1,
                                     head.c.hash == old_prev).values(hash=new_prev))


def _update(bind, updates: list[dict]) -> None:
    if updates:
        bind.execute(events.update().where(events.c.id == sa.bindparam("row_id"))
                     .values(prev_hash=sa.bindparam("new_prev"), hash=sa.bindparam("new_hash")),
                     updates)


def upgrade():
    op.create_table('audit_checkpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoints')),
    sa.UniqueConstraint('day', name=op.f('uq_audit_checkpoints_day'))
    )
    _resign(_sha256, lambda data: hmac.new(_key(), data, hashlib.sha256).hexdigest())


def downgrade():
    _resign(lambda data: hmac.new(_key(), data, hashlib.sha256).hexdigest(), _sha256)
    op.drop_table('audit_checkpoints')
