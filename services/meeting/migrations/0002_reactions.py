"""meeting: the kit's processed_reactions table (reactions run once per event, never on rebuild).

Revision ID: meeting_0002
"""

from alembic import op

from services.kit.schema import REACTIONS_SQL

revision = "meeting_0002"
down_revision = "meeting_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(REACTIONS_SQL)


def downgrade() -> None:
    op.execute("DROP TABLE processed_reactions;")
