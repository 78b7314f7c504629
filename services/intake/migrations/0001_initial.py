"""intake: submissions (with private contact data), topic progress.

Revision ID: intake_0001
"""

from alembic import op

revision = "intake_0001"
down_revision = None
branch_labels = None
depends_on = "kit_0001"


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE submissions (
            topic_id        uuid PRIMARY KEY,
            receipt_code    text NOT NULL UNIQUE,
            community_id    text NOT NULL,
            contact_name    text,
            contact_phone   text,
            idempotency_key text UNIQUE,
            submitted_at    timestamptz NOT NULL
        );
        CREATE TABLE topic_progress (
            topic_id     uuid PRIMARY KEY,
            community_id text NOT NULL,
            title        text,
            status       text NOT NULL,
            status_rank  integer NOT NULL,
            history      jsonb NOT NULL,
            updated_at   timestamptz NOT NULL
        );
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE topic_progress; DROP TABLE submissions;")
