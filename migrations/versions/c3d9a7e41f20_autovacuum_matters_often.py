"""vacuum the matters table after 1% of its rows changed (PostgreSQL)

The dashboard's counts, the trends and /performance read matters through index-only scans,
which need the visibility map kept current. With the default scale factor (20%) a table of a
million matters would be vacuumed only after 200,000 changed rows, months apart; the daily
sweep alone may change tens of thousands. Storage parameters only: no schema change, nothing
for SQLite.

Revision ID: c3d9a7e41f20
Revises: bb5ec3ebfc61
Create Date: 2026-12-01 19:35:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c3d9a7e41f20'
down_revision = 'bb5ec3ebfc61'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE matters SET (autovacuum_vacuum_scale_factor = 0.01, "
                   "autovacuum_analyze_scale_factor = 0.02)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE matters RESET (autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor)")
