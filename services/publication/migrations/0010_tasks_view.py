"""publication: ``tasks_view``, every implementation task as publication's own public events tell
it (ImplementationStarted: the round's tasks; TaskProgressed: percent, completion), so the task
lists of a community, street or district are one query instead of a fold per topic.

The grace is not stored: it is read at query time from the registry replica at the round's
start (as the ledger does), so a settings event replayed after the tasks in a rebuild still
counts. Indexed per division prefix (codes compared in "C" order) and, for the open tasks, by
deadline, the overdue order.

Rows for tasks whose progress was reported before contracts 1.5.0 keep the percent 0 until
their next report (those reports were never published).

Revision ID: publication_0010
"""

from alembic import op

revision = "publication_0010"
down_revision = "publication_0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE tasks_view (
            task_id uuid PRIMARY KEY,
            topic_id uuid NOT NULL,
            community_id text NOT NULL,
            round integer,
            description text,
            responsible_party text,
            deadline date,
            round_started_at timestamptz,
            percent integer NOT NULL DEFAULT 0,
            completed_at timestamptz,
            progressed_at timestamptz
        );
        CREATE INDEX tasks_view_division ON tasks_view ((community_id COLLATE "C"), deadline);
        CREATE INDEX tasks_view_open ON tasks_view ((community_id COLLATE "C"), deadline) WHERE completed_at IS NULL;
        CREATE INDEX tasks_view_topic ON tasks_view (topic_id);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE tasks_view")
