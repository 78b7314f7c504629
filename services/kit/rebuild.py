"""Rebuild a projection from the events: empty it, replay its topics from offset 0.

Everything happens in one transaction, so readers see the old projection until the new
one is complete. A live consumer of the same service waits on the table locks and then
skips what the rebuild already applied (processed_events), so rebuilding while the
service runs is safe. Unreadable records, and those over the size limit, are skipped (the live
consumer dead-lettered them).
"""

import logging
from dataclasses import dataclass

from .binding import MAX_RECORD_BYTES, MalformedMessage, read_record
from .db import connect
from .kafka_reading import read_to_end
from .projection import Projection, apply_once
from .settings import KafkaSecurity

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
    security: KafkaSecurity | None = None,
    max_record_bytes: int = MAX_RECORD_BYTES,
) -> RebuildReport:
    conn = await connect(database_url)
    read = applied = skipped = 0
    try:
        async with conn.transaction():
            tables = ", ".join((*projection.tables, "processed_events"))
            await conn.execute(f"TRUNCATE {tables}")
            topics = [f"{topic_prefix}{t}" for t in projection.topics]
            batches = read_to_end(
                bootstrap_servers, topics, batch_size=batch_size, client_id=f"yishi-{service}-rebuild", security=security
            )
            async for batch in batches:
                envelopes = []
                for record in batch:
                    read += 1
                    try:
                        envelopes.append(read_record(record, max_bytes=max_record_bytes))  # what the live consumer accepts
                    except MalformedMessage:
                        skipped += 1
                applied += await apply_once(conn, projection, envelopes, service=service, reactions=False)
    finally:
        await conn.close()
    log.info("rebuilt %s.%s: %d read, %d applied, %d skipped", service, projection.name, read, applied, skipped)
    return RebuildReport(read, applied, skipped)
