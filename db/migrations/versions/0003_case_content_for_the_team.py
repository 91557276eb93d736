"""what a team expects in the dossier: benefits by period, the CV, the case number, when the
citizen saw the description, and documents kept on paper

- benefit_period: the forsørgelseshistorik as records (ydelse, fra, til).
- cv_entry: the citizen's CV, educations and jobs with their years.
- citizen.case_number: the jobcenter's sagsnummer; citizen.description_seen_on: the day the
  citizen saw the description for the team.
- documentation_item.on_paper_reason: a received document kept on paper, and why it is not
  attached.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('benefit_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('benefit', sa.Enum('loen', 'selvforsoerget', 'a_dagpenge', 'sygedagpenge', 'kontanthjaelp', 'uddannelseshjaelp', 'hjemrejseydelse', 'ledighedsydelse', 'jobafklaringsydelse', 'ressourceforloebsydelse', 'revalideringsydelse', 'fleksjob', 'su', 'andet', name='periodbenefit', native_enum=False, create_constraint=False, length=32), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id'], name=op.f('fk_benefit_period_citizen_id_citizen'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benefit_period'))
    )
    with op.batch_alter_table('benefit_period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benefit_period_citizen_id'), ['citizen_id'], unique=False)

    op.create_table('cv_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('uddannelse', 'job', name='cvkind', native_enum=False, create_constraint=False, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('start_year', sa.Integer(), nullable=True),
    sa.Column('end_year', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id'], name=op.f('fk_cv_entry_citizen_id_citizen'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cv_entry'))
    )
    with op.batch_alter_table('cv_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cv_entry_citizen_id'), ['citizen_id'], unique=False)

    with op.batch_alter_table('citizen', schema=None) as batch_op:
        batch_op.add_column(sa.Column('case_number', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('description_seen_on', sa.Date(), nullable=True))

    with op.batch_alter_table('documentation_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_paper_reason', sa.Text(), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('documentation_item', schema=None) as batch_op:
        batch_op.drop_column('on_paper_reason')

    with op.batch_alter_table('citizen', schema=None) as batch_op:
        batch_op.drop_column('description_seen_on')
        batch_op.drop_column('case_number')

    with op.batch_alter_table('cv_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cv_entry_citizen_id'))
    op.drop_table('cv_entry')

    with op.batch_alter_table('benefit_period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benefit_period_citizen_id'))
    op.drop_table('benefit_period')
