"""penalty_decisions: administrative penalty decisions published under 执法结果公开

Revision ID: b7a41c2d9e18
Revises: b2eed36fb91c
Create Date: 2026-12-06 00:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7a41c2d9e18'
down_revision = "b2eed36fb91c"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "penalty_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_no", sa.String(length=80), nullable=False),
        sa.Column("authority", sa.String(length=100), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("party_type", sa.String(length=16), nullable=False),
        sa.Column("party_person", sa.String(length=50), nullable=True),
        sa.Column("party_company", sa.String(length=200), nullable=True),
        sa.Column("party_id_number", sa.String(length=32), nullable=True),
        sa.Column("party_address", sa.String(length=200), nullable=True),
        sa.Column("involves_minor", sa.Boolean(), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("penalty", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("publish_due_on", sa.Date(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("published_late", sa.Boolean(), nullable=False),
        sa.Column("change_kind", sa.String(length=16), nullable=True),
        sa.Column("changed_on", sa.Date(), nullable=True),
        sa.Column("withdraw_due_on", sa.Date(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_late", sa.Boolean(), nullable=False),
        sa.Column("withdrawal_statement", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("decision_no"),
    )
    with op.batch_alter_table("penalty_decisions") as batch_op:
        batch_op.create_index("ix_penalty_decisions_department_id", ["department_id"])
        batch_op.create_index("ix_penalty_decisions_decided_on", ["decided_on"])
        batch_op.create_index("ix_penalty_decisions_status", ["status"])
        batch_op.create_index("ix_penalty_decisions_publish_due_on", ["publish_due_on"])
        batch_op.create_index("ix_penalty_decisions_withdraw_due_on", ["withdraw_due_on"])


def downgrade():
    op.drop_table("penalty_decisions")
