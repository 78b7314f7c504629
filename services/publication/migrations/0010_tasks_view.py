"""publication: ``tasks_view``, every implementation task as publication's own public events tell
it (ImplementationStarted: the round's tasks; TaskProgressed: percent, completion), so the task
lists of a community, street or district are one query instead of a fold per topic.

The grace is not stored: it is read at query time from the registry replica at the round's
start (as the ledger does), so a settings event replayed after the tasks in a rebuild still
counts. Indexed per division prefix (codes compared in "C" order) and, for the open tasks, by
deadline, the overdue order.

Existing tasks are filled from the event store: the rounds' tasks from the stored
ImplementationStarted, their percent and completion from the private progress reports and
completions (before contracts 1.5.0 those were never published, so a later rebuild from Kafka
knows only what was reported since; see the changelog).

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

        INSERT INTO tasks_view (task_id, topic_id, community_id, round, description, responsible_party, deadline,
                                round_started_at)
        SELECT (t->>'task_id')::uuid, (e.envelope->'data'->>'topic_id')::uuid, e.envelope->'data'->>'community_id',
               (e.envelope->'data'->>'round')::int, t->>'description', t->>'responsible_party', (t->>'deadline')::date,
               (e.envelope->'data'->>'started_at')::timestamptz
        FROM event_store e CROSS JOIN LATERAL jsonb_array_elements(e.envelope->'data'->'tasks') AS t
        WHERE e.event_type = 'yishi.ImplementationStarted.v1'
        ON CONFLICT (task_id) DO NOTHING;

        UPDATE tasks_view v SET percent = GREATEST(v.percent, p.percent), progressed_at = p.at
        FROM (SELECT (envelope->'data'->>'task_id')::uuid AS task_id, max((envelope->'data'->>'percent')::int) AS percent,
                     max((envelope->'data'->>'reported_at')::timestamptz) AS at
              FROM event_store WHERE event_type = 'publication.ProgressReported.v1' GROUP BY 1) p
        WHERE v.task_id = p.task_id;

        UPDATE tasks_view v SET percent = 100, completed_at = c.at, progressed_at = GREATEST(v.progressed_at, c.at)
        FROM (SELECT (envelope->'data'->>'task_id')::uuid AS task_id, min((envelope->'data'->>'completed_at')::timestamptz) AS at
              FROM event_store WHERE event_type = 'publication.TaskCompleted.v1' GROUP BY 1) c
        WHERE v.task_id = c.task_id;
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE tasks_view")
