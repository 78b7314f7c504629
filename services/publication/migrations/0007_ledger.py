"""publication: the ledger's fact rows (台账) — one per topic, one per meeting — and division names.

Every figure of a division for a period is one aggregate over the rows whose community code
starts with the division's prefix (district 6 digits, street 9, community 12): the indexes in
byte order (``COLLATE "C"``) serve the prefix as a range, ``'330102001' <= code < '330102001:'``
(':' follows '9'), which a prepared statement's generic plan can use, unlike ``LIKE $1``.

Revision ID: publication_0007
"""

from alembic import op

revision = "publication_0007"
down_revision = "publication_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE ledger_topics (
            topic_id                  uuid PRIMARY KEY,
            community_id              text NOT NULL,
            source                    text,
            channel                   text,
            submitted_at              timestamptz,
            screened_at               timestamptz,
            accepted_at               timestamptz,
            rejected_at               timestamptz,
            merged_at                 timestamptz,
            returned_at               timestamptz,
            category                  text,
            exclusion_reason          text,
            researched_at             timestamptz,
            adopted_at                timestamptz,
            deferred_at               timestamptz,
            dropped_at                timestamptz,
            disclosed_at              timestamptz,
            objection_upheld_at       timestamptz,
            implementation_started_at timestamptz,
            implementation_round      int,
            implementation_deadline   date,
            completed_at              timestamptz,
            completed_round           int,
            completed_on_time         boolean,
            rated_at                  timestamptz,
            satisfied                 int,
            basically_satisfied       int,
            dissatisfied              int,
            closed_at                 timestamptz,
            escalated_at              timestamptz,
            escalation_kind           text
        );
        CREATE INDEX ledger_topics_division ON ledger_topics ((community_id COLLATE "C"));
        -- overdue is a stock: the rows whose current round is open, or was completed late enough
        CREATE INDEX ledger_topics_open ON ledger_topics ((community_id COLLATE "C"))
            INCLUDE (implementation_started_at, implementation_deadline)
            WHERE implementation_deadline IS NOT NULL AND (completed_round IS NULL OR completed_round < implementation_round);
        CREATE INDEX ledger_topics_completed ON ledger_topics (completed_at)
            WHERE implementation_deadline IS NOT NULL AND completed_round >= implementation_round;

        CREATE TABLE ledger_meetings (
            meeting_id            uuid PRIMARY KEY,
            community_id          text NOT NULL,
            held_at               timestamptz,
            fixed_members_total   int,
            fixed_members_present int,
            invitees_present      int
        );
        CREATE INDEX ledger_meetings_division ON ledger_meetings ((community_id COLLATE "C"), held_at);

        -- The monthly rollup per district (ledger/rollup.py): days = -1 for a count, else the
        -- whole days from submission of a median's histogram bucket.
        CREATE TABLE ledger_months (
            district text COLLATE "C" NOT NULL,
            month  date NOT NULL,
            figure text NOT NULL,
            days   int NOT NULL,
            n      bigint NOT NULL,
            PRIMARY KEY (district, month, figure, days)
        );

        CREATE TABLE ledger_divisions (
            code        text PRIMARY KEY,
            level       text,
            name        text,
            parent_code text,
            named_at    timestamptz
        );
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE ledger_divisions; DROP TABLE ledger_months; DROP TABLE ledger_meetings; DROP TABLE ledger_topics;")
