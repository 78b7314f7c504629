"""intake: idempotency keys scoped per community and caller, with the digest of their request.

A key was unique across the whole city and kept even when empty: one resident's key blocked
every other's, an empty key broke every later empty-key submission, and a reuse with another
body answered the first receipt. Now a key is unique per (community, caller) — the caller
being ``staff:<actor id>`` or ``resident`` — and keeps the digest of its request. Existing
keys get their caller from their TopicSubmitted in the event store (who entered it); their
digest stays unknown (NULL), so they replay as they always did. Empty keys are dropped.

Revision ID: intake_0002
"""

from alembic import op

revision = "intake_0002"
down_revision = "intake_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE submissions DROP CONSTRAINT submissions_idempotency_key_key;
        ALTER TABLE submissions ADD COLUMN idempotency_caller text, ADD COLUMN request_digest text;
        UPDATE submissions SET idempotency_key = NULL WHERE btrim(idempotency_key) = '';
        UPDATE submissions s
        SET idempotency_caller = CASE WHEN e.envelope->'data'->>'submitted_by' = 'staff'
                                      THEN 'staff:' || (e.envelope->'data'->>'staff_id') ELSE 'resident' END
        FROM event_store e
        WHERE s.idempotency_key IS NOT NULL AND e.stream_id = s.topic_id::text AND e.version = 1;
        UPDATE submissions SET idempotency_caller = 'resident'
        WHERE idempotency_key IS NOT NULL AND idempotency_caller IS NULL;
        ALTER TABLE submissions ADD CONSTRAINT submissions_idempotency_scoped
            CHECK ((idempotency_key IS NULL) = (idempotency_caller IS NULL));
        CREATE UNIQUE INDEX submissions_idempotency_key ON submissions (community_id, idempotency_caller, idempotency_key)
            WHERE idempotency_key IS NOT NULL;
        """
    )


def downgrade() -> None:
    # Back to one key city-wide: of keys now repeated across scopes, the first submission keeps it.
    op.execute(
        """
        DROP INDEX submissions_idempotency_key;
        UPDATE submissions s SET idempotency_key = NULL
        WHERE EXISTS (SELECT 1 FROM submissions t WHERE t.idempotency_key = s.idempotency_key
                      AND (t.submitted_at, t.topic_id) < (s.submitted_at, s.topic_id));
        ALTER TABLE submissions DROP CONSTRAINT submissions_idempotency_scoped,
            DROP COLUMN request_digest, DROP COLUMN idempotency_caller;
        ALTER TABLE submissions ADD CONSTRAINT submissions_idempotency_key_key UNIQUE (idempotency_key);
        """
    )
