"""the meeting and decision workflow, and the interpreter per meeting

- team_workflow: per rehabiliteringsteam meeting, the day the case was sent to the team, the
  team's indstilling (date and content) and the afgørelse (date and content). A meeting's
  decided_on moves into it (the afgørelse) and the column goes: one place for the decision.
- meeting.interpreter_language: the language an interpreter is needed for at the meeting ("" when
  none is). Meetings of citizens marked as needing an interpreter get the citizen's language;
  interpreter_booked (there since 0001, set by nothing) stays as it was.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('team_workflow',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=True),
    sa.Column('recommended_on', sa.Date(), nullable=True),
    sa.Column('recommendation', sa.Text(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decision', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_team_workflow_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_workflow'))
    )
    with op.batch_alter_table('team_workflow', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_workflow_meeting_id'), ['meeting_id'], unique=True)

    op.execute(
        "INSERT INTO team_workflow (meeting_id, sent_on, recommended_on, recommendation, decided_on, decision) "
        "SELECT id, NULL, NULL, '', decided_on, '' FROM meeting WHERE decided_on IS NOT NULL"
    )

    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('interpreter_language', sa.String(length=60), nullable=False, server_default=''))
        batch_op.drop_column('decided_on')

    op.execute(
        "UPDATE meeting SET interpreter_language = "
        "(SELECT citizen.language FROM citizen WHERE citizen.id = meeting.citizen_id) "
        "WHERE citizen_id IN (SELECT id FROM citizen WHERE interpreter_needed = 1 AND language != '')"
    )


def downgrade() -> None:
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decided_on', sa.Date(), nullable=True))
        batch_op.drop_column('interpreter_language')

    op.execute(
        "UPDATE meeting SET decided_on = "
        "(SELECT decided_on FROM team_workflow WHERE team_workflow.meeting_id = meeting.id)"
    )

    with op.batch_alter_table('team_workflow', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_workflow_meeting_id'))
    op.drop_table('team_workflow')
