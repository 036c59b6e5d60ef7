"""appointment_holders: one lockable row per ID number that books

Bookings by one ID number lock its row (keyed by an HMAC of the ID number) before counting the
week's bookings, so concurrent bookings cannot exceed the weekly limit.

Revision ID: d4e8a1c6b027
Revises: d4e8a1c7b352
Create Date: 2026-12-06 03:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d4e8a1c6b027"
down_revision = "d4e8a1c7b352"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "appointment_holders",
        sa.Column("id_key", sa.String(length=64), nullable=False),
        sa.Column("last_booked_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id_key", name=op.f("pk_appointment_holders")),
    )
    with op.batch_alter_table("appointment_holders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appointment_holders_last_booked_at"), ["last_booked_at"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("appointment_holders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appointment_holders_last_booked_at"))
    op.drop_table("appointment_holders")
