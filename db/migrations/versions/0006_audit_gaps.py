"""the gaps the feature audit found (target group, contact kinds)

Reserved in the revision chain so that work on these parts can land in any order; a revision
with nothing to change leaves the file as it was.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
