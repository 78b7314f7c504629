"""council: kit tables and the screening queue.

Revision ID: council_0001
"""

from alembic import op

revision = "council_0001"
down_revision = None
branch_labels = None
depends_on = "kit_0001"


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE screening_queue (
            topic_id         uuid PRIMARY KEY,
            community_id     text NOT NULL,
            title            text,
            description      text,
            location         text,
            source           text,
            channel          text,
            submitted_at     timestamptz,
            screened_outcome text,
            screened_at      timestamptz
        );
        CREATE INDEX screening_queue_awaiting ON screening_queue (community_id, submitted_at)
            WHERE screened_outcome IS NULL;
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE screening_queue;")
