"""Rebuild a projection from the events: empty it, replay its topics from offset 0.

Everything happens in one transaction, so readers see the old projection until the new
one is complete. A live consumer of the same service waits on the table locks and then
skips what the rebuild already applied (processed_events), so rebuilding while the
service runs is safe. Unreadable records are skipped (the live consumer dead-lettered them).
"""

import logging
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition

from .binding import MalformedMessage, from_kafka
from .db import connect
from .projection import Projection, apply_once

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RebuildReport:
    records_read: int
    events_applied: int
    records_skipped: int


async def rebuild(
    *,
    service: str,
    projection: Projection,
    database_url: str,
    bootstrap_servers: str,
    topic_prefix: str = "",
    batch_size: int = 1000,
) -> RebuildReport:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers, group_id=None, enable_auto_commit=False, client_id=f"yishi-{service}-rebuild"
    )
    await consumer.start()
    conn = await connect(database_url)
    read = applied = skipped = 0
    try:
        await consumer.topics()  # refresh metadata so partitions_for_topic knows every topic
        partitions = [
            TopicPartition(topic, p)
            for topic in (f"{topic_prefix}{t}" for t in projection.topics)
            for p in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        remaining = {tp for tp in partitions if end[tp] > await consumer.position(tp)}
        async with conn.transaction():
            tables = ", ".join((*projection.tables, "processed_events"))
            await conn.execute(f"TRUNCATE {tables}")
            while remaining:
                batch = await consumer.getmany(*remaining, timeout_ms=1000, max_records=batch_size)
                envelopes = []
                for tp, records in batch.items():
                    for record in records:
                        if record.offset >= end[tp]:
                            continue
                        read += 1
                        try:
                            envelopes.append(from_kafka(record.headers, record.key, record.value))
                        except MalformedMessage:
                            skipped += 1
                applied += await apply_once(conn, projection, envelopes, service=service)
                for tp in list(remaining):
                    if await consumer.position(tp) >= end[tp]:
                        remaining.discard(tp)
    finally:
        await conn.close()
        await consumer.stop()
    log.info("rebuilt %s.%s: %d read, %d applied, %d skipped", service, projection.name, read, applied, skipped)
    return RebuildReport(read, applied, skipped)
