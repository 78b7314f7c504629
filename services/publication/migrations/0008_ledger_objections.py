"""publication: the ledger's objection rows (one per objection: raised, and how it was assessed).

Revision ID: publication_0008
"""

from alembic import op

revision = "publication_0008"
down_revision = "publication_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE ledger_objections (
            objection_id uuid PRIMARY KEY,
            community_id text NOT NULL,
            topic_id     uuid,
            raised_at    timestamptz,
            assessed_at  timestamptz,
            substantive  boolean
        );
        CREATE INDEX ledger_objections_division ON ledger_objections ((community_id COLLATE "C"));
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE ledger_objections;")
