"""The tables every service's database has: event store, outbox, processed events.

Created by the kit's own Alembic branch (``kit_0001``), which every service's chain depends on.
"""

OUTBOX_CHANNEL = "yishi_outbox"

KIT_TABLES_SQL = f"""
CREATE TABLE event_store (
    position        bigserial PRIMARY KEY,
    stream_id       text        NOT NULL,
    version         integer     NOT NULL CHECK (version > 0),
    event_id        uuid        NOT NULL UNIQUE,
    event_type      text        NOT NULL,
    community_id    text        NOT NULL,
    correlation_id  uuid        NOT NULL,
    causation_id    uuid,
    occurred_at     timestamptz NOT NULL,
    envelope        jsonb       NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT event_store_stream_version UNIQUE (stream_id, version)
);

CREATE TABLE outbox (
    id          bigserial PRIMARY KEY,
    event_id    uuid        NOT NULL,
    topic       text        NOT NULL,
    key         bytea       NOT NULL,
    headers     jsonb       NOT NULL,
    value       bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{OUTBOX_CHANNEL}', '');
    RETURN NULL;
END $$;

CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

CREATE TABLE processed_events (
    event_id      uuid        PRIMARY KEY,
    event_type    text        NOT NULL,
    processed_at  timestamptz NOT NULL DEFAULT now()
);

-- What reactions have acted on: never emptied by a rebuild, so a reaction acts once ever.
CREATE TABLE processed_reactions (
    event_id      uuid        PRIMARY KEY,
    event_type    text        NOT NULL,
    processed_at  timestamptz NOT NULL DEFAULT now()
);
"""

DROP_KIT_TABLES_SQL = """
DROP TABLE IF EXISTS processed_reactions;
DROP TABLE IF EXISTS processed_events;
DROP TRIGGER IF EXISTS outbox_notify ON outbox;
DROP TABLE IF EXISTS outbox;
DROP FUNCTION IF EXISTS outbox_notify();
DROP TABLE IF EXISTS event_store;
"""



def rename_private_events_sql(service: str, renamed: dict[str, str]) -> list[str]:
    """Statements that rename stored private events ``<service>.<Old>.v1`` → ``<service>.<New>.v1``.

    A migration runs them when a private event class is renamed: the data stays, only the
    stable type name changes, so a database written before still folds the same aggregates.
    Names come from code, never from input."""
    statements = []
    for old, new in renamed.items():
        before, after = f"{service}.{old}.v1", f"{service}.{new}.v1"
        statements.append(
            f"UPDATE event_store SET event_type = '{after}', envelope = jsonb_set(envelope, '{{type}}', '\"{after}\"') "
            f"WHERE event_type = '{before}'"
        )
    return statements
