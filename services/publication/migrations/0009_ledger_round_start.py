"""publication: the ledger keeps when each topic's current implementation round started, so its
overdue count applies the grace (逾期宽限) in effect then, as the task lists do.

Existing rows take it from the board (which keeps the latest start, that of the current round);
the open rows' index carries it so the overdue count still reads the index alone.

Revision ID: publication_0009
"""

from alembic import op

revision = "publication_0009"
down_revision = "publication_0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE ledger_topics ADD COLUMN round_started_at timestamptz;
        UPDATE ledger_topics l SET round_started_at = b.implementation_started_at
            FROM board b WHERE b.topic_id = l.topic_id AND l.implementation_deadline IS NOT NULL;
        DROP INDEX ledger_topics_open;
        CREATE INDEX ledger_topics_open ON ledger_topics ((community_id COLLATE "C"))
            INCLUDE (implementation_started_at, implementation_deadline, round_started_at)
            WHERE implementation_deadline IS NOT NULL AND (completed_round IS NULL OR completed_round < implementation_round);
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP INDEX ledger_topics_open;
        CREATE INDEX ledger_topics_open ON ledger_topics ((community_id COLLATE "C"))
            INCLUDE (implementation_started_at, implementation_deadline)
            WHERE implementation_deadline IS NOT NULL AND (completed_round IS NULL OR completed_round < implementation_round);
        ALTER TABLE ledger_topics DROP COLUMN round_started_at;
        """
    )
