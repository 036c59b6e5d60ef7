"""users.session_epoch: raising it ends every session of the account; password_must_change

A signed-in session carries the account's epoch; the user loader accepts only the current one, so
logging out, changing or resetting a password, disabling an account or ending its sessions takes
effect at once on every machine sharing the database. ``password_must_change`` marks a generated
one-time password, to be replaced at the next sign-in.

Revision ID: 3e1f0c7a9b52
Revises: 9d2e4b7c1a30
Create Date: 2026-12-05 21:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3e1f0c7a9b52'
down_revision = '9d2e4b7c1a30'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("session_epoch", sa.Integer(), server_default="0",
                                      nullable=False))
        batch_op.add_column(sa.Column("password_must_change", sa.Boolean(),
                                      server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("password_must_change")
        batch_op.drop_column("session_epoch")
