"""Prometheus metrics an operator watches: publishing, consuming, dead letters, backlog."""

from prometheus_client import Counter, Gauge

RELAY_PUBLISHED = Counter("yishi_outbox_published_total", "Outbox rows published to Kafka", ["service"])
OUTBOX_PENDING = Gauge("yishi_outbox_pending", "Outbox rows not yet published", ["service"])
EVENTS_APPLIED = Counter("yishi_events_applied_total", "Events applied to a projection", ["service", "type"])
EVENTS_DUPLICATE = Counter("yishi_events_duplicate_total", "Redelivered events skipped", ["service"])
DEAD_LETTERS = Counter("yishi_dead_letters_total", "Records sent to the dead-letter topic", ["service", "reason"])
COMMAND_CONFLICTS = Counter(
    "yishi_command_conflicts_total", "Commands decided again after a concurrent change to their stream"
)
