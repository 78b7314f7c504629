"""publication: kit tables and the public board.

Revision ID: publication_0001
"""

from alembic import op

revision = "publication_0001"
down_revision = None
branch_labels = None
depends_on = "kit_0001"


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE board (
            topic_id          uuid PRIMARY KEY,
            community_id      text NOT NULL,
            title             text,
            source            text,
            channel           text,
            submitted_at      timestamptz,
            screening_outcome text,
            category          text,
            exclusion_reason  text,
            screened_at       timestamptz,
            researched_at     timestamptz,
            resolution_text   text,
            resolved_at       timestamptz
        );
        CREATE INDEX board_community ON board (community_id, submitted_at DESC);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE board;")
