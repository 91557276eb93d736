"""the conversation schedule: a held samtale or a no-show (udeblivelse) and what followed

- meeting.attendance: "afholdt" or "udeblevet" for a samtale; NULL while planned or not
  recorded (every meeting from before this revision).
- meeting.follow_up: after an udeblivelse, what followed (ny indkaldelse, gyldig grund,
  partshøring, sanktion, andet); NULL otherwise.
- meeting.follow_up_note: what followed, in words; "" otherwise.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attendance', sa.Enum('afholdt', 'udeblevet', name='samtaleattendance', native_enum=False, create_constraint=False, length=32), nullable=True))
        batch_op.add_column(sa.Column('follow_up', sa.Enum('ny_indkaldelse', 'gyldig_grund', 'partshoering', 'sanktion', 'andet', name='noshowfollowup', native_enum=False, create_constraint=False, length=32), nullable=True))
        batch_op.add_column(sa.Column('follow_up_note', sa.Text(), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('follow_up_note')
        batch_op.drop_column('follow_up')
        batch_op.drop_column('attendance')
