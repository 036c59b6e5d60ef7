"""appointments: halls, slot plans, slots and bookings

Halls and the daily slot plans per guide; a slot row per day and start made on first booking,
whose ``booked`` counter only moves by a conditional UPDATE; bookings with a partial unique index
allowing one active booking per ID number per guide.

Revision ID: b2eed36fb91c
Revises: 51862cb7c637
Create Date: 2026-12-06 00:12:20.959816

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b2eed36fb91c'
down_revision = "51862cb7c637"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('service_halls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('hours', sa.String(length=200), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_service_halls_department_id_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_halls'))
    )
    with op.batch_alter_table('service_halls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_halls_department_id'), ['department_id'], unique=False)

    op.create_table('slot_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('guide_id', sa.Integer(), nullable=False),
    sa.Column('guide_slug', sa.String(length=80), nullable=False),
    sa.Column('guide_title', sa.String(length=120), nullable=False),
    sa.Column('opens_at', sa.Time(), nullable=False),
    sa.Column('closes_at', sa.Time(), nullable=False),
    sa.Column('slot_minutes', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['guide_id'], ['guides.id'], name=op.f('fk_slot_plans_guide_id_guides'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['hall_id'], ['service_halls.id'], name=op.f('fk_slot_plans_hall_id_service_halls')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slot_plans')),
    sa.UniqueConstraint('hall_id', 'guide_id', 'opens_at', name=op.f('uq_slot_plans_hall_id'))
    )
    with op.batch_alter_table('slot_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_slot_plans_guide_id'), ['guide_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_slot_plans_hall_id'), ['hall_id'], unique=False)

    op.create_table('appointment_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=False),
    sa.Column('ends_at', sa.Time(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('booked', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['slot_plans.id'], name=op.f('fk_appointment_slots_plan_id_slot_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment_slots')),
    sa.UniqueConstraint('plan_id', 'day', 'starts_at', name=op.f('uq_appointment_slots_plan_id'))
    )
    op.create_table('appointment_bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('guide_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('slot_day', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('mobile', sa.String(length=11), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('erased_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_appointment_bookings_department_id_departments')),
    sa.ForeignKeyConstraint(['guide_id'], ['guides.id'], name=op.f('fk_appointment_bookings_guide_id_guides'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['slot_id'], ['appointment_slots.id'], name=op.f('fk_appointment_bookings_slot_id_appointment_slots')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment_bookings')),
    sa.UniqueConstraint('code', name=op.f('uq_appointment_bookings_code'))
    )
    with op.batch_alter_table('appointment_bookings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointment_bookings_erased_at'), ['erased_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_bookings_guide_id'), ['guide_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_bookings_slot_day'), ['slot_day'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_bookings_slot_id'), ['slot_id'], unique=False)
        batch_op.create_index('ix_booking_id_number_day', ['id_number', 'slot_day'], unique=False)
        batch_op.create_index('uq_booking_active_per_guide', ['guide_id', 'id_number'], unique=True, sqlite_where=sa.text("status IN ('booked', 'arrived') AND erased_at IS NULL"), postgresql_where=sa.text("status IN ('booked', 'arrived') AND erased_at IS NULL"))



def downgrade():
    with op.batch_alter_table('appointment_bookings', schema=None) as batch_op:
        batch_op.drop_index('uq_booking_active_per_guide', sqlite_where=sa.text("status IN ('booked', 'arrived') AND erased_at IS NULL"), postgresql_where=sa.text("status IN ('booked', 'arrived') AND erased_at IS NULL"))
        batch_op.drop_index('ix_booking_id_number_day')
        batch_op.drop_index(batch_op.f('ix_appointment_bookings_slot_id'))
        batch_op.drop_index(batch_op.f('ix_appointment_bookings_slot_day'))
        batch_op.drop_index(batch_op.f('ix_appointment_bookings_guide_id'))
        batch_op.drop_index(batch_op.f('ix_appointment_bookings_erased_at'))

    op.drop_table('appointment_bookings')
    op.drop_table('appointment_slots')
    with op.batch_alter_table('slot_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_slot_plans_hall_id'))
        batch_op.drop_index(batch_op.f('ix_slot_plans_guide_id'))

    op.drop_table('slot_plans')
    with op.batch_alter_table('service_halls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_halls_department_id'))

    op.drop_table('service_halls')
