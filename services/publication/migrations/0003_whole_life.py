"""publication: the board over a topic's whole life, resolutions and disclosures as lookups.

Every step has its own column holding the latest time it happened, so events arriving in
any order give the same row; the status is the step with the latest time (see adapters/board.py).

Revision ID: publication_0003
"""

from alembic import op

revision = "publication_0003"
down_revision = "publication_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE board
            ADD COLUMN resubmitted_at          timestamptz,
            ADD COLUMN merged_into             uuid,
            ADD COLUMN research_reopened_at    timestamptz,
            ADD COLUMN research_reopen_cause   text,
            ADD COLUMN scheduled_at            timestamptz,
            ADD COLUMN meeting_scheduled_for   timestamptz,
            ADD COLUMN resolution_id           uuid,
            ADD COLUMN deferred_at             timestamptz,
            ADD COLUMN dropped_at              timestamptz,
            ADD COLUMN disclosed_at            timestamptz,
            ADD COLUMN disclosure_ends_at      timestamptz,
            ADD COLUMN returned_to_council_at  timestamptz,
            ADD COLUMN implementation_round    int,
            ADD COLUMN implementation_started_at timestamptz,
            ADD COLUMN implemented_at          timestamptz,
            ADD COLUMN implemented_on_time     boolean,
            ADD COLUMN reopened_at             timestamptz,
            ADD COLUMN closed_at               timestamptz,
            ADD COLUMN escalated_at            timestamptz,
            ADD COLUMN escalation_kind         text;

        CREATE TABLE resolutions (
            resolution_id uuid PRIMARY KEY,
            topic_id      uuid NOT NULL,
            community_id  text NOT NULL,
            adopted_at    timestamptz NOT NULL,
            data          jsonb NOT NULL
        );
        CREATE INDEX resolutions_topic ON resolutions (topic_id, adopted_at DESC);

        CREATE TABLE disclosures (
            resolution_id uuid PRIMARY KEY,
            topic_id      uuid NOT NULL,
            community_id  text NOT NULL,
            published_at  timestamptz NOT NULL,
            ends_at       timestamptz NOT NULL,
            state         text NOT NULL DEFAULT 'open'
        );
        CREATE INDEX disclosures_topic ON disclosures (topic_id, published_at DESC);
        CREATE INDEX disclosures_ending ON disclosures (ends_at) WHERE state = 'open';
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP TABLE disclosures;
        DROP TABLE resolutions;
        ALTER TABLE board
            DROP COLUMN resubmitted_at, DROP COLUMN merged_into, DROP COLUMN research_reopened_at,
            DROP COLUMN research_reopen_cause, DROP COLUMN scheduled_at, DROP COLUMN meeting_scheduled_for,
            DROP COLUMN resolution_id, DROP COLUMN deferred_at, DROP COLUMN dropped_at, DROP COLUMN disclosed_at,
            DROP COLUMN disclosure_ends_at, DROP COLUMN returned_to_council_at, DROP COLUMN implementation_round,
            DROP COLUMN implementation_started_at, DROP COLUMN implemented_at, DROP COLUMN implemented_on_time,
            DROP COLUMN reopened_at, DROP COLUMN closed_at, DROP COLUMN escalated_at, DROP COLUMN escalation_kind;
        """
    )
