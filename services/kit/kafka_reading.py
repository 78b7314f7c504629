"""Reading topics from offset 0 up to their end as of now, without a consumer group."""

import asyncio
from collections.abc import AsyncIterator, Iterable

from aiokafka import AIOKafkaConsumer, ConsumerRecord

from .batches import one_by_one
from .kafka_security import aiokafka_options
from .settings import KafkaSecurity


async def read_to_end(
    bootstrap_servers: str,
    topics: Iterable[str],
    *,
    batch_size: int = 1000,
    client_id: str = "yishi-reader",
    security: KafkaSecurity | None = None,
) -> AsyncIterator[list[ConsumerRecord]]:
    """Yield batches of every record now in ``topics``, from offset 0, then stop."""
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        client_id=client_id,
        **aiokafka_options(security),
    )
    await consumer.start()
    try:
        async with asyncio.timeout(30):
            while not consumer.assignment():  # without a group, every partition is assigned on metadata
                await asyncio.sleep(0.05)
        partitions = consumer.assignment()
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(list(partitions))
        remaining = {tp for tp in partitions if end[tp] > 0}
        while remaining:
            try:
                fetched = await consumer.getmany(*remaining, timeout_ms=1000, max_records=batch_size)
            except UnicodeDecodeError:  # a header name aiokafka cannot decode: see services.kit.batches
                fetched = await one_by_one(consumer, remaining)
            batch = [r for tp, records in fetched.items() for r in records if r.offset < end[tp]]
            if batch:
                yield batch
            for tp in list(remaining):
                if await consumer.position(tp) >= end[tp]:
                    remaining.discard(tp)
    finally:
        await consumer.stop()
