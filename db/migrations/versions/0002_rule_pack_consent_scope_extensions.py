"""rule pack recorded with its date, consent scope (§ 11 a), praktik extensions (LAB § 61)

- citizen.rule_pack_since: the day the case's rule pack was recorded; pension_without_team:
  an obvious førtidspension case decided without the rehabiliteringsteam.
- consent: `scope` becomes `information` (which information; its text is kept), and the
  consent names from whom (`source_name`) and for which case (`purpose`).
- placement_extension: each extension of a virksomhedspraktik, with its step and reason.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('placement_extension',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('extended_to', sa.Date(), nullable=False),
    sa.Column('step', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['placement_id'], ['placement.id'], name=op.f('fk_placement_extension_placement_id_placement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placement_extension'))
    )
    with op.batch_alter_table('placement_extension', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_extension_placement_id'), ['placement_id'], unique=False)

    with op.batch_alter_table('citizen', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rule_pack_since', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('pension_without_team', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.alter_column('scope', new_column_name='information', existing_type=sa.Text(), existing_nullable=False)
        batch_op.add_column(sa.Column('source_name', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('purpose', sa.Text(), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_column('purpose')
        batch_op.drop_column('source_name')
        batch_op.alter_column('information', new_column_name='scope', existing_type=sa.Text(), existing_nullable=False)

    with op.batch_alter_table('citizen', schema=None) as batch_op:
        batch_op.drop_column('pension_without_team')
        batch_op.drop_column('rule_pack_since')

    with op.batch_alter_table('placement_extension', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placement_extension_placement_id'))

    op.drop_table('placement_extension')
