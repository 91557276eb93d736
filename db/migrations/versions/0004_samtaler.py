"""the conversation schedule: a held samtale or a no-show (udeblivelse) and what followed

Reserved in the revision chain so that work on these parts can land in any order; a revision
with nothing to change leaves the file as it was.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
