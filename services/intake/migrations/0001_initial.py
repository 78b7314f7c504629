"""intake: kit tables, submissions (with private contact data), topic progress.

Revision ID: intake_0001
"""

from alembic import op

from services.kit.schema import DROP_KIT_TABLES_SQL, KIT_TABLES_SQL

revision = "intake_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(KIT_TABLES_SQL)
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
    op.execute(DROP_KIT_TABLES_SQL)
