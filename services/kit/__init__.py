"""The runtime every Yishi service shares: settings, database, event store, outbox,
relay, idempotent batch consumer, dead letters, rebuild, health and the CLI."""
