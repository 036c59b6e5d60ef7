"""request_consultations: internal consultations of departments (内部征求意见)

The disclosure office asks a department a question about a request, with an internal due date
in working days; the department answers. The sweep marks unanswered ones overdue.

Revision ID: a7c4e2d91b06
Revises: 7b3c5d2e8f41
Create Date: 2026-12-06 00:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c4e2d91b06'
down_revision = "7b3c5d2e8f41"
branch_labels = None
depends_on = None

UNANSWERED = sa.text("answered_on IS NULL")


def upgrade():
    op.create_table(
        'request_consultations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('matter_id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('question', sa.Text(), nullable=False),
        sa.Column('asked_on', sa.Date(), nullable=False),
        sa.Column('workdays', sa.Integer(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('due_provisional', sa.Boolean(), nullable=False),
        sa.Column('asked_by_id', sa.Integer(), nullable=True),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('answered_on', sa.Date(), nullable=True),
        sa.Column('answered_by_id', sa.Integer(), nullable=True),
        sa.Column('overdue_since', sa.Date(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'],
                                name=op.f('fk_request_consultations_answered_by_id_users')),
        sa.ForeignKeyConstraint(['asked_by_id'], ['users.id'],
                                name=op.f('fk_request_consultations_asked_by_id_users')),
        sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                                name=op.f('fk_request_consultations_department_id_departments')),
        sa.ForeignKeyConstraint(['matter_id'], ['matters.id'],
                                name=op.f('fk_request_consultations_matter_id_matters'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_request_consultations')),
    )
    with op.batch_alter_table('request_consultations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_consultations_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_request_consultations_department_id'), ['department_id'],
                              unique=False)
        batch_op.create_index('ix_request_consultations_open', ['due_on', 'department_id'], unique=False,
                              postgresql_where=UNANSWERED, sqlite_where=UNANSWERED)


def downgrade():
    with op.batch_alter_table('request_consultations', schema=None) as batch_op:
        batch_op.drop_index('ix_request_consultations_open', postgresql_where=UNANSWERED,
                            sqlite_where=UNANSWERED)
        batch_op.drop_index(batch_op.f('ix_request_consultations_department_id'))
        batch_op.drop_index(batch_op.f('ix_request_consultations_matter_id'))
    op.drop_table('request_consultations')
