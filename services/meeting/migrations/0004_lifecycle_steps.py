"""meeting: each step of a topic's life its own latest time, for the lifecycle's status.

``decided_at`` (a resolution or a dropping) becomes ``resolved_at`` and ``dropped_at``;
deferrals get ``deferred_at`` (they were kept in ``reopened_at``, which now holds research
reopenings only) and a meeting's agenda ``scheduled_at``. Existing rows take their
outcomes from ``meeting_outcomes``; a rebuild from Kafka gives every step exactly.

Revision ID: meeting_0004
"""

from alembic import op

revision = "meeting_0004"
down_revision = "meeting_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE agenda_candidates
            ADD COLUMN scheduled_at timestamptz,
            ADD COLUMN deferred_at  timestamptz,
            ADD COLUMN resolved_at  timestamptz,
            ADD COLUMN dropped_at   timestamptz;

        UPDATE agenda_candidates c SET
            deferred_at = o.deferred_at, resolved_at = o.resolved_at, dropped_at = o.dropped_at
        FROM (
            SELECT topic_id,
                   max(decided_at) FILTER (WHERE outcome = 'deferred') AS deferred_at,
                   max(decided_at) FILTER (WHERE outcome = 'adopted') AS resolved_at,
                   max(decided_at) FILTER (WHERE outcome = 'dropped') AS dropped_at
            FROM meeting_outcomes GROUP BY topic_id
        ) o
        WHERE o.topic_id = c.topic_id;

        ALTER TABLE agenda_candidates DROP COLUMN decided_at;
        """
    )


def downgrade() -> None:
    op.execute(
        """
        ALTER TABLE agenda_candidates ADD COLUMN decided_at timestamptz;
        UPDATE agenda_candidates SET
            decided_at = greatest(resolved_at, dropped_at),
            reopened_at = greatest(reopened_at, deferred_at);
        ALTER TABLE agenda_candidates
            DROP COLUMN scheduled_at, DROP COLUMN deferred_at, DROP COLUMN resolved_at, DROP COLUMN dropped_at;
        """
    )
