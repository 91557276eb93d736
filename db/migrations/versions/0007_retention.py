"""retention per closed case

- deleted_citizen: a citizen deleted under retention (CPR hash and time, no name), kept until no
  backup taken before the deletion still holds them (jobraad.retention.purge_backups).
- setting retention_months: it now overrides the retention period per kind of case
  (resources/rules/retention.toml) when above 0, and its default is 0. A stored 6, the old
  default, which the settings dialog stored whenever any setting was saved, is removed, so those
  cases follow their kind; any other stored value is the caseworker's own choice and stays.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('deleted_citizen',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cpr_hash', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deleted_citizen'))
    )
    with op.batch_alter_table('deleted_citizen', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deleted_citizen_cpr_hash'), ['cpr_hash'], unique=False)

    op.execute("DELETE FROM setting WHERE key = 'retention_months' AND trim(value) IN ('6', '6.0')")


def downgrade() -> None:
    with op.batch_alter_table('deleted_citizen', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deleted_citizen_cpr_hash'))
    op.drop_table('deleted_citizen')
