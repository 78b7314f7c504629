"""Prometheus metrics an operator alerts on: HTTP, events handled, consumer lag, the outbox and
its relay, dead letters, the database pool, readiness.

The names are a contract with the dashboard and the alert rules in deploy/: rename nothing.
Every metric has a ``service`` label; ``route`` is the path template, never the raw path.
"""

import collections
from collections.abc import Iterable

from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics

disable_created_metrics()  # one series per counter, not two: nobody reads *_created

_FAST = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
_HTTP = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter(
    "yishi_http_requests_total", "HTTP requests answered", ["service", "route", "method", "status"]
)
HTTP_DURATION = Histogram(
    "yishi_http_request_duration_seconds", "Time to answer an HTTP request", ["service", "route", "method"],
    buckets=_HTTP,
)
EVENTS_HANDLED = Counter(
    "yishi_events_handled_total", "Events a service handled, by outcome: applied, duplicate, dead_lettered",
    ["service", "type", "outcome"],
)
HANDLER_DURATION = Histogram(
    "yishi_event_handler_duration_seconds", "Time a projection's handlers (view and reaction) took for one event",
    ["service", "type"], buckets=_FAST,
)
CONSUMER_LAG_RECORDS = Gauge(
    "yishi_consumer_lag_records", "Records on a partition not yet handled by the group (high watermark - position)",
    ["service", "group", "topic", "partition"],
)
CONSUMER_LAG_SECONDS = Gauge(
    "yishi_consumer_lag_seconds", "How long records have been waiting on a partition; 0 when caught up",
    ["service", "group", "topic", "partition"],
)
OUTBOX_PENDING = Gauge(
    "yishi_outbox_pending", "Outbox rows not yet published (exact up to 10000, then estimated)", ["service"]
)
OUTBOX_OLDEST_AGE = Gauge(
    "yishi_outbox_oldest_age_seconds", "Age of the oldest unpublished outbox row; 0 when empty", ["service"]
)
RELAY_PUBLISHED = Counter("yishi_outbox_published_total", "Outbox rows published to Kafka", ["service"])
RELAY_PUBLISH_DURATION = Histogram(
    "yishi_relay_publish_duration_seconds", "Time to publish one outbox batch until Kafka acknowledged all of it",
    ["service"], buckets=_HTTP,
)
DEAD_LETTERS = Counter("yishi_dead_letters_total", "Records sent to the dead-letter topic", ["service", "reason"])
DB_POOL_IN_USE = Gauge("yishi_db_pool_in_use", "Database connections lent out of the pool", ["service"])
DB_POOL_SIZE = Gauge("yishi_db_pool_size", "The database pool's maximum size", ["service"])
READY = Gauge("yishi_ready", "1 when the last readiness check passed (database, Kafka, relay), else 0", ["service"])
COMMAND_CONFLICTS = Counter(
    "yishi_command_conflicts_total", "Commands decided again after a concurrent change to their stream"
)
IDEMPOTENT_REPLAYS = Counter(
    "yishi_idempotent_replays_total",
    "Commands sent again with their Idempotency-Key, by outcome: replayed (the kept answer), reused (422)",
    ["service", "outcome"],
)


def observe_each(histogram: Histogram, values: Iterable[float]) -> None:
    """``histogram.observe`` for each value, equal values at once: a batch's events share their
    group's time, and observing a thousand of them one by one cost more than handling them.
    Leaves the histogram as observing each would (a test compares them)."""
    for value, n in collections.Counter(values).items():
        if n == 1:
            histogram.observe(value)
            continue
        histogram._raise_if_not_observable()  # noqa: SLF001 — the library's own check
        histogram._sum.inc(value * n)  # noqa: SLF001
        for bucket, bound in zip(histogram._buckets, histogram._upper_bounds, strict=True):  # noqa: SLF001
            if value <= bound:
                bucket.inc(n)
                break
