"""retention per closed case

Reserved in the revision chain so that work on these parts can land in any order; a revision
with nothing to change leaves the file as it was.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
