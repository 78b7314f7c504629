"""meeting: kit tables and agenda candidates.

Revision ID: meeting_0001
"""

from alembic import op

revision = "meeting_0001"
down_revision = None
branch_labels = None
depends_on = "kit_0001"


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE agenda_candidates (
            topic_id          uuid PRIMARY KEY,
            community_id      text NOT NULL,
            council_id        uuid,
            title             text,
            category          text,
            feasibility       text,
            consultation_plan text,
            researched_at     timestamptz
        );
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE agenda_candidates;")
