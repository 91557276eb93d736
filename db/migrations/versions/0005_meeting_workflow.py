"""the meeting and decision workflow, and the interpreter per meeting

Reserved in the revision chain so that work on these parts can land in any order; a revision
with nothing to change leaves the file as it was.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
