"""Reading topics from offset 0 up to their end, without a consumer group.

``read_to_end`` reads what is there now. ``TopicReader`` keeps reading across several ends
(a rebuild reads to the end, then to the new end of what arrived meanwhile), and can go
back to where it was (a rolled-back transaction applied what it read).
"""

import asyncio
from collections.abc import AsyncIterator, Iterable
from types import TracebackType

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from .batches import one_by_one
from .kafka_security import aiokafka_options
from .settings import KafkaSecurity

Offsets = dict[TopicPartition, int]


class TopicReader:
    """Every partition of ``topics``, from its first offset on; ``read_to`` stops at given ends."""

    def __init__(
        self,
        bootstrap_servers: str,
        topics: Iterable[str],
        *,
        batch_size: int = 1000,
        client_id: str = "yishi-reader",
        security: KafkaSecurity | None = None,
    ) -> None:
        self._batch_size = batch_size
        # A short backoff: the first end offsets wait for metadata in steps of it (0.4 s by default).
        options = dict(bootstrap_servers=bootstrap_servers, group_id=None, enable_auto_commit=False,
                       retry_backoff_ms=20, **aiokafka_options(security))
        self._consumer = AIOKafkaConsumer(*topics, auto_offset_reset="earliest", client_id=client_id, **options)
        # End offsets on connections of their own: a broker answers one connection's requests in
        # order, so on the reader's they would wait behind its fetch (up to fetch_max_wait_ms).
        self._ends = AIOKafkaConsumer(client_id=f"{client_id}-ends", **options)
        self._next: Offsets = {}
        self.first: Offsets = {}
        """Where each partition began when the reader started (0 unless retention removed some)."""

    async def __aenter__(self) -> "TopicReader":
        await self._consumer.start()
        try:
            await self._ends.start()
            async with asyncio.timeout(30):
                while not self._consumer.assignment():  # without a group, every partition is assigned on metadata
                    await asyncio.sleep(0.05)
            partitions = list(self._consumer.assignment())
            await self._consumer.seek_to_beginning(*partitions)
            self.first = await self._consumer.beginning_offsets(partitions)
            self._next = dict(self.first)
        except BaseException:
            await self.__aexit__()
            raise
        return self

    async def __aexit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        await self._ends.stop()
        await self._consumer.stop()

    async def end_offsets(self) -> Offsets:
        """Each partition's end now: the offset the next record written there will get."""
        return await self._ends.end_offsets(list(self._next))

    def behind(self, end: Offsets) -> int:
        """How many records lie between where the reader is and ``end``."""
        return sum(max(0, end[tp] - position) for tp, position in self._next.items())

    def positions(self) -> Offsets:
        return dict(self._next)

    def rewind(self, positions: Offsets) -> None:
        """Read again from ``positions`` (taken with ``positions()``)."""
        for tp, offset in positions.items():
            self._consumer.seek(tp, offset)
        self._next = dict(positions)

    async def read_to(self, end: Offsets) -> AsyncIterator[list[ConsumerRecord]]:
        """Yield batches of the records before ``end``, in order per partition, then stop."""
        consumer = self._consumer
        remaining = {tp for tp, position in self._next.items() if position < end[tp]}
        while remaining:
            try:
                fetched = await consumer.getmany(*remaining, timeout_ms=1000, max_records=self._batch_size)
            except UnicodeDecodeError:  # a header name aiokafka cannot decode: see services.kit.batches
                fetched = await one_by_one(consumer, remaining)
            batch = []
            for tp, records in fetched.items():
                before = [r for r in records if r.offset < end[tp]]
                batch.extend(before)
                if len(before) < len(records):
                    consumer.seek(tp, end[tp])  # what lies beyond is read by a later read_to
                if before:
                    self._next[tp] = before[-1].offset + 1
            if batch:
                yield batch
            for tp in list(remaining):
                position = await consumer.position(tp)
                if position >= end[tp]:
                    self._next[tp] = end[tp]  # past the end (e.g. a transaction marker): nothing more to read
                    remaining.discard(tp)


async def read_to_end(
    bootstrap_servers: str,
    topics: Iterable[str],
    *,
    batch_size: int = 1000,
    client_id: str = "yishi-reader",
    security: KafkaSecurity | None = None,
) -> AsyncIterator[list[ConsumerRecord]]:
    """Yield batches of every record now in ``topics``, from offset 0, then stop."""
    async with TopicReader(
        bootstrap_servers, topics, batch_size=batch_size, client_id=client_id, security=security
    ) as reader:
        async for batch in reader.read_to(await reader.end_offsets()):
            yield batch
