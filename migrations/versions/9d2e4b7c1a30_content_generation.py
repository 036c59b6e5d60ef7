"""content_generation: one number raised by every commit that changes public content

Every process of every machine reads it (at most once a second) and keys its page cache on it,
so a notice published on one machine shows on the others. One row, created here.

Revision ID: 9d2e4b7c1a30
Revises: 720e93b544dd
Create Date: 2026-12-05 21:30:00

"""
import time

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '9d2e4b7c1a30'
down_revision = '720e93b544dd'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'content_generation',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('generation', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_content_generation')),
    )
    op.bulk_insert(table, [{'id': 1, 'generation': time.time_ns() // 1000}])


def downgrade():
    op.drop_table('content_generation')
