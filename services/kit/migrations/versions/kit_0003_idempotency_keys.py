"""kit: the idempotency keys of staff commands (``services.kit.idempotency``), one row per
(service, actor, key): the route and the digest of the request it came with, and the answer
it got, written in the command's own transaction. Not a projection: a rebuild leaves it, and
the service prunes rows older than the retention (``idempotency.RETENTION``).

Revision ID: kit_0003
"""

from alembic import op

revision = "kit_0003"
down_revision = "kit_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE idempotency_keys (
            service        text        NOT NULL,
            actor_id       text        NOT NULL,
            key            text        NOT NULL,
            route          text        NOT NULL,
            request_digest text        NOT NULL,
            status         smallint,
            body           json,          -- json, not jsonb: a replay keeps the answer's key order
            kept_at        timestamptz NOT NULL,
            PRIMARY KEY (service, actor_id, key)
        );
        CREATE INDEX idempotency_keys_kept_at ON idempotency_keys (kept_at);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE idempotency_keys;")
