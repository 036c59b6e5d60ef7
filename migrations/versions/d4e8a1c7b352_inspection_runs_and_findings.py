"""inspection_runs, inspection_findings: the stored runs of the self-inspection (自查)

Revision ID: d4e8a1c7b352
Revises: b7a41c2d9e18
Create Date: 2026-12-06 03:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d4e8a1c7b352"
down_revision = "b7a41c2d9e18"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "inspection_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ran_on", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("crawled", sa.Boolean(), nullable=False),
        sa.Column("pages_crawled", sa.Integer(), nullable=False),
        sa.Column("crawl_complete", sa.Boolean(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("vetoed", sa.Boolean(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("inspection_runs") as batch_op:
        batch_op.create_index("ix_inspection_runs_ran_on", ["ran_on"])
    op.create_table(
        "inspection_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("veto", sa.Boolean(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("item", sa.String(length=300), nullable=False),
        sa.Column("link", sa.String(length=400), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("is_new", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["inspection_runs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("inspection_findings") as batch_op:
        batch_op.create_index("ix_inspection_findings_run_key", ["run_id", "key"])


def downgrade():
    op.drop_table("inspection_findings")
    op.drop_table("inspection_runs")
