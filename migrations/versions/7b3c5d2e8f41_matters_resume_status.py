"""matters.resume_status: the state a matter returns to once a pending approval is decided

An extension asked for during 补正 (or a consultation, or a fee notice) waits for a supervisor;
the decision returns the matter to the state it came from, kept here meanwhile.

Revision ID: 7b3c5d2e8f41
Revises: 3e1f0c7a9b52
Create Date: 2026-12-06 00:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7b3c5d2e8f41'
down_revision = "3e1f0c7a9b52"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("matters") as batch_op:
        batch_op.add_column(sa.Column("resume_status", sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table("matters") as batch_op:
        batch_op.drop_column("resume_status")
