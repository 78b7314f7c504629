"""council: the topics view follows the topic's whole life; the projection keeps its status.

``council_topics`` no longer derives the status with an SQL CASE over counts of steps. The
projection keeps one time column per step of the lifecycle (the later steps are new here:
the meeting's, publication's) and the status ``yishi_contracts.lifecycle`` derives from
them in Python. Existing rows get their status here the same way, from the steps they
have; a projection rebuild fills the new steps' columns from Kafka.

Revision ID: council_0004
"""

import sqlalchemy as sa
from alembic import op
from yishi_contracts import Status, status_of

revision = "council_0004"
down_revision = "council_0003"
branch_labels = None
depends_on = None

LATER_STEPS = (
    "scheduled_at", "deferred_at", "dropped_at", "resolved_at", "disclosure_started_at", "returned_to_council_at",
    "implementation_started_at", "implementation_reopened_at", "implemented_at", "closed_at", "escalated_at",
)
COUNTS = ("times_resubmitted", "times_returned", "times_researched", "times_reopened")
# The steps rows had before this revision (besides the screening), and the status each marks.
EARLIER_STEPS = {
    "submitted_at": Status.submitted,
    "resubmitted_at": Status.resubmitted,
    "research_completed_at": Status.researched,
    "research_reopened_at": Status.researching,
}


def _status(row: sa.RowMapping) -> Status | None:
    steps = [(row[column], status) for column, status in EARLIER_STEPS.items() if row[column] is not None]
    if row["screened_at"] is not None:
        steps.append((row["screened_at"], Status(row["screened_outcome"])))
    return status_of(steps)


def upgrade() -> None:
    op.execute("DROP VIEW council_topics")
    op.execute(
        "ALTER TABLE screening_queue ADD COLUMN status text, "
        + ", ".join(f"ADD COLUMN {column} timestamptz" for column in LATER_STEPS) + ", "
        + ", ".join(f"DROP COLUMN {column}" for column in COUNTS)
    )
    conn = op.get_bind()
    columns = ", ".join(["topic_id", "screened_at", "screened_outcome", *EARLIER_STEPS])
    for row in conn.execute(sa.text(f"SELECT {columns} FROM screening_queue")).mappings().all():
        status = _status(row) or Status.submitted  # every row has seen a step; the fallback is for safety
        conn.execute(sa.text("UPDATE screening_queue SET status = :status WHERE topic_id = :topic_id"),
                     {"status": status.value, "topic_id": row["topic_id"]})
    op.execute(
        """
        ALTER TABLE screening_queue ALTER COLUMN status SET NOT NULL;
        CREATE INDEX screening_queue_status ON screening_queue (community_id, status, submitted_at);
        CREATE VIEW council_topics AS SELECT * FROM screening_queue;
        """
    )


def downgrade() -> None:
    # Back to revision 0003's counts, chosen so that its CASE gives the statuses it knew.
    op.execute(
        f"""
        DROP VIEW council_topics;
        DROP INDEX screening_queue_status;
        ALTER TABLE screening_queue
            {", ".join(f"ADD COLUMN {column} int NOT NULL DEFAULT 0" for column in COUNTS)};
        UPDATE screening_queue SET
            times_resubmitted = (status = 'resubmitted')::int,
            times_returned = (screened_outcome IS NOT DISTINCT FROM 'returned')::int,
            times_researched = (research_completed_at IS NOT NULL)::int,
            times_reopened = (status = 'researching')::int;
        ALTER TABLE screening_queue DROP COLUMN status, {", ".join(f"DROP COLUMN {column}" for column in LATER_STEPS)};
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
        """
    )
