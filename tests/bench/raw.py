"""What the libraries do on their own on this machine: the denominators of every ratio."""

import asyncio
import time

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from yishi_contracts import TopicSubmitted

from services.kit.binding import KafkaRecord


async def produce(bootstrap: str, topic: str, records: list[KafkaRecord]) -> float:
    """Raw aiokafka, acks=all and idempotent like the relay, a 256 KiB batch: messages/s."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5, max_batch_size=256 * 1024
    )
    await producer.start()
    try:
        started = time.perf_counter()
        futures = [await producer.send(topic, value=r.value, key=r.key, headers=r.headers) for r in records]
        await asyncio.gather(*futures)
        return len(records) / (time.perf_counter() - started)
    finally:
        await producer.stop()


async def consume_into_postgres(bootstrap: str, topic: str, database_url: str, expected: int) -> float:
    """Raw getmany + pydantic validation + COPY into a table with the projection's columns: events/s."""
    conn = await asyncpg.connect(database_url)
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS raw_bench (topic_id uuid PRIMARY KEY, community_id text, title text, "
        "description text, source text, channel text, submitted_at timestamptz)"
    )
    await conn.execute("TRUNCATE raw_bench")
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest",
                                enable_auto_commit=False, max_partition_fetch_bytes=4 * 1024 * 1024)
    await consumer.start()
    try:
        seen = 0
        started = time.perf_counter()
        while seen < expected:
            fetched = await consumer.getmany(timeout_ms=1000, max_records=5000)
            rows = []
            for batch in fetched.values():
                for record in batch:
                    e = TopicSubmitted.model_validate_json(record.value)
                    rows.append((e.topic_id, e.community_id, e.title, e.description, e.source, e.channel, e.submitted_at))
            if rows:
                async with conn.transaction():
                    await conn.copy_records_to_table("raw_bench", records=rows)
                seen += len(rows)
        return expected / (time.perf_counter() - started)
    finally:
        await consumer.stop()
        await conn.close()
