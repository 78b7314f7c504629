"""council: councils by community, the topics view with status, screening templates.

The screening queue becomes the council's row per topic: every step writes its own columns
(submission, resubmissions, the latest screening, research completions and reopenings),
counts instead of arrival order, and ``council_topics`` derives the status from them.

Revision ID: council_0003
"""

from alembic import op

revision = "council_0003"
down_revision = "council_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE screening_queue
            ADD COLUMN times_resubmitted   int NOT NULL DEFAULT 0,
            ADD COLUMN resubmitted_at      timestamptz,
            ADD COLUMN resubmission_details text,
            ADD COLUMN times_returned      int NOT NULL DEFAULT 0,
            ADD COLUMN council_id          uuid,
            ADD COLUMN decision            jsonb,
            ADD COLUMN screened_by         text,
            ADD COLUMN times_researched    int NOT NULL DEFAULT 0,
            ADD COLUMN research_completed_at timestamptz,
            ADD COLUMN times_reopened      int NOT NULL DEFAULT 0,
            ADD COLUMN research_reopened_at timestamptz,
            ADD COLUMN reopen_cause        text;
        DROP INDEX screening_queue_awaiting;
        CREATE INDEX screening_queue_community ON screening_queue (community_id, submitted_at);

        CREATE VIEW council_topics AS
        SELECT q.*,
               CASE
                 WHEN q.screened_outcome IS NULL THEN
                   CASE WHEN q.submitted_at IS NULL THEN 'unknown' ELSE 'submitted' END
                 WHEN q.screened_outcome = 'returned' THEN
                   CASE WHEN q.times_resubmitted >= q.times_returned THEN 'resubmitted' ELSE 'returned' END
                 WHEN q.screened_outcome = 'accepted' THEN
                   CASE WHEN q.times_researched > q.times_reopened THEN 'researched'
                        WHEN q.times_reopened > 0 THEN 'reopened'
                        ELSE 'accepted' END
                 ELSE q.screened_outcome
               END AS status
        FROM screening_queue q;

        CREATE TABLE councils (
            council_id   uuid PRIMARY KEY,
            community_id text NOT NULL UNIQUE,
            formed_at    timestamptz NOT NULL
        );

        CREATE TABLE screening_templates (
            community_id text NOT NULL,
            name         text NOT NULL,
            kind         text NOT NULL,
            text         text NOT NULL,
            reason       text,
            referral     text,
            created_by   text NOT NULL,
            created_at   timestamptz NOT NULL,
            PRIMARY KEY (community_id, name)
        );
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP TABLE screening_templates;
        DROP TABLE councils;
        DROP VIEW council_topics;
        DROP INDEX screening_queue_community;
        CREATE INDEX screening_queue_awaiting ON screening_queue (community_id, submitted_at)
            WHERE screened_outcome IS NULL;
        ALTER TABLE screening_queue
            DROP COLUMN times_resubmitted, DROP COLUMN resubmitted_at, DROP COLUMN resubmission_details,
            DROP COLUMN times_returned, DROP COLUMN council_id, DROP COLUMN decision, DROP COLUMN screened_by,
            DROP COLUMN times_researched, DROP COLUMN research_completed_at, DROP COLUMN times_reopened,
            DROP COLUMN research_reopened_at, DROP COLUMN reopen_cause;
        """
    )
