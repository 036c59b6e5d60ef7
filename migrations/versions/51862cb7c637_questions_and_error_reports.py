"""questions (网上咨询) and error_reports (我为网站找错)

A question is a matter of kind ``question``: its own row holds the asker's text and contact, the
public copy staff prepare, the answer and its timing, publication and rating. An error report names
the page, the kind of problem and the answer; only its counts are public.

Revision ID: 51862cb7c637
Revises: a7c4e2d91b06
Create Date: 2026-12-06 00:09:29.772766

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '51862cb7c637'
down_revision = "a7c4e2d91b06"
branch_labels = None
depends_on = None

PUBLISHED = sa.text('published_on IS NOT NULL')


def upgrade():
    op.create_table('error_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_url', sa.String(length=500), nullable=False),
    sa.Column('category', sa.String(length=24), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('contact', sa.String(length=254), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_error_reports_answered_by_id_users')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                            name=op.f('fk_error_reports_department_id_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_error_reports'))
    )
    with op.batch_alter_table('error_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_error_reports_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_error_reports_received_on'), ['received_on'], unique=False)

    op.create_table('questions',
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=100), nullable=False),
    sa.Column('question_text', sa.Text(), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('consent_publish', sa.Boolean(), nullable=False),
    sa.Column('public_title', sa.String(length=200), nullable=False),
    sa.Column('public_question', sa.Text(), nullable=False),
    sa.Column('answer_md', sa.Text(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('answer_workdays', sa.Integer(), nullable=True),
    sa.Column('on_time', sa.Boolean(), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('rating', sa.String(length=16), nullable=True),
    sa.Column('rating_comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_questions_matter_id_matters'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('matter_id', name=op.f('pk_questions'))
    )
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index('ix_questions_published', ['published_on', 'matter_id'], unique=False,
                              postgresql_where=PUBLISHED, sqlite_where=PUBLISHED)



def downgrade():
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index('ix_questions_published', postgresql_where=PUBLISHED, sqlite_where=PUBLISHED)

    op.drop_table('questions')
    with op.batch_alter_table('error_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_error_reports_received_on'))
        batch_op.drop_index(batch_op.f('ix_error_reports_department_id'))

    op.drop_table('error_reports')
