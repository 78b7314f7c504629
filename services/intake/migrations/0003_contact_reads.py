"""intake: the record of every read of a submitter's contact (回访留痕), for the district's audit.

Who read it (the token's subject and the roles it read with), when, which topic and community;
never the contact itself. Listed by division prefix, the latest first.

Revision ID: intake_0003
"""

from alembic import op

revision = "intake_0003"
down_revision = "intake_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE contact_reads (
            read_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            topic_id     uuid NOT NULL REFERENCES submissions (topic_id),
            community_id text NOT NULL,
            reader_id    text NOT NULL,
            reader_roles text[] NOT NULL,
            read_at      timestamptz NOT NULL
        );
        CREATE INDEX contact_reads_by_division ON contact_reads (community_id text_pattern_ops, read_at DESC);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE contact_reads;")
