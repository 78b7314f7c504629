"""intake: the kit's processed_reactions table (reactions run once per event, never on rebuild).

Revision ID: intake_0002
"""

from alembic import op

from services.kit.schema import REACTIONS_SQL

revision = "intake_0002"
down_revision = "intake_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(REACTIONS_SQL)


def downgrade() -> None:
    op.execute("DROP TABLE processed_reactions;")
