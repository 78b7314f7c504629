"""How FastStream hands a batch subscriber's records to the kit's consumer, and commits them.

- :func:`undecoded_batches`, the subscriber's ``parser=``: the records go to the handler as they
  came. FastStream's own batch parser decodes every header value as UTF-8 before any handler
  runs, so one bad byte (or a header without a value) made it drop the whole batch, and the
  offsets moved past its valid records once later traffic arrived.
- :class:`Offsets`: acknowledging a batch commits, after processing, the next offset of each
  partition the batch had records on — not every assigned partition of the group — in the
  background, while the next batch is processed.
- :func:`fetch_batches`: aiokafka itself decodes header *names* while fetching; a
  record with a name that is not UTF-8 makes every fetch of its partition raise, for good. The
  subscriber then reads record by record, hands the records before it over as usual, and that
  one as an :class:`~services.kit.binding.UnreadableRecord` (dead-lettered), and seeks past it.
  It also fetches again at once after a fetch that found nothing.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError
from faststream.kafka.message import KafkaAckableMessage
from faststream.message import StreamMessage

from .binding import UnreadableRecord

log = logging.getLogger(__name__)


class Offsets:
    """What a subscriber commits after a batch: the next offset on each partition the batch had
    records on, and any left from a commit that failed (a rebalance), while still assigned.

    The commit goes out in the background, one at a time, so the next batch is read and applied
    while the broker answers; offsets processed meanwhile go in the commit after it. Once
    :meth:`close` was called (the service stopping), every batch waits for its commit.
    Only offsets of processed records are ever pending, so a retried commit cannot skip one;
    a commit lost (a crash, a rebalance) only means those records are delivered again, and the
    consumer applies an event once however often it comes."""

    def __init__(self) -> None:
        self._pending: dict[TopicPartition, int] = {}
        self._sending: asyncio.Task[None] | None = None
        self._closing = False
        self._one_at_a_time = asyncio.Lock()  # two commits racing could send an older offset last

    async def commit(self, consumer: AIOKafkaConsumer, records: Sequence[Any]) -> None:
        for record in records:
            tp = TopicPartition(record.topic, record.partition)
            self._pending[tp] = max(self._pending.get(tp, 0), record.offset + 1)
        if self._closing:
            await self._settle(consumer)
        elif self._sending is None or self._sending.done():
            self._sending = asyncio.create_task(self._send(consumer))
        # else the commit on its way is followed at once by one with these

    async def close(self, consumer: AIOKafkaConsumer | None, *, within: float) -> None:
        """From now on commit as each batch ends; wait for the commit on its way and send what is
        pending, for ``within`` seconds at most (a broker away would be retried for ever)."""
        self._closing = True
        if consumer is None:
            return
        try:
            async with asyncio.timeout(within):
                await self._settle(consumer)
        except (KafkaError, TimeoutError) as exc:
            log.warning("offsets not committed before stopping (%r): those records will be delivered again", exc)

    async def _send(self, consumer: AIOKafkaConsumer) -> None:
        try:
            await self._commit_pending(consumer)
        except KafkaError as exc:
            log.warning("offset commit failed (%r); the offsets go with the next one", exc)

    async def _settle(self, consumer: AIOKafkaConsumer) -> None:
        if self._sending is not None:
            await asyncio.gather(self._sending, return_exceptions=True)  # it logged its own failure
        await self._commit_pending(consumer)

    async def _commit_pending(self, consumer: AIOKafkaConsumer) -> None:
        async with self._one_at_a_time:
            await self._commit_pending_now(consumer)

    async def _commit_pending_now(self, consumer: AIOKafkaConsumer) -> None:
        while True:
            assigned = consumer.assignment()
            # a revoked partition is another member's now: it reads on from the last commit
            self._pending = {tp: offset for tp, offset in self._pending.items() if tp in assigned}
            if not self._pending:
                return
            offsets = dict(self._pending)
            await consumer.commit(offsets)
            for tp, offset in offsets.items():
                if self._pending.get(tp) == offset:
                    del self._pending[tp]


class _Batch(KafkaAckableMessage):
    """A batch of undecoded records; acknowledging it commits :class:`Offsets` (NACK, inherited,
    rewinds each partition to the batch's first record there)."""

    def __init__(self, *args: Any, offsets: Offsets, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._offsets = offsets

    async def ack(self) -> None:
        if not self.committed:
            await self._offsets.commit(self.consumer, self.raw_message)  # type: ignore[arg-type]
        await StreamMessage.ack(self)


def undecoded_batches(subscriber: Any, offsets: Offsets) -> Callable[[tuple[ConsumerRecord, ...]], Awaitable[_Batch]]:
    """A FastStream ``parser=`` for a batch subscriber that decodes nothing: the records go to
    the handler as they came, with the values as the body (for FastStream's telemetry).
    Acknowledging a batch commits its offsets through ``offsets``."""

    async def parse(records: tuple[ConsumerRecord, ...]) -> _Batch:
        first, last = records[0], records[-1]
        return _Batch(
            body=[record.value or b"" for record in records],
            raw_message=records,
            message_id=f"{first.offset}-{last.offset}-{first.timestamp}",
            consumer=subscriber.consumer,
            offsets=offsets,
        )

    return parse


def fetch_batches(subscriber: Any) -> None:
    """Make a FastStream batch subscriber fetch as the kit needs: it goes on past records
    aiokafka cannot decode, and a fetch that found nothing is followed by the next at once.

    FastStream's own fetch sleeps ``batch_timeout_ms`` after an empty one, so the first record
    after a quiet spell — a resident's submission at night — waited up to that long again
    before anyone fetched it; ``getmany`` itself already waits up to that long for records."""

    async def get_msg(consumer: AIOKafkaConsumer) -> tuple[Any, ...]:
        try:
            fetched = await consumer.getmany(timeout_ms=subscriber.batch_timeout_ms, max_records=subscriber.max_records)
        except UnicodeDecodeError:
            fetched = await one_by_one(consumer, consumer.assignment())
        return tuple(record for records in fetched.values() for record in records)

    subscriber.get_msg = get_msg  # the consume loop calls self.get_msg(consumer) each round


async def one_by_one(
    consumer: AIOKafkaConsumer, partitions: Iterable[TopicPartition], *, rounds: int = 50
) -> dict[TopicPartition, list[Any]]:
    """After ``getmany`` failed to decode a record: the next record of each partition, and
    where aiokafka fails, an :class:`UnreadableRecord` for the record it fails on (seeking past).

    A partition whose fetch just failed is fetched again first: a few rounds may find nothing."""
    for _ in range(rounds):
        fetched: dict[TopicPartition, list[Any]] = {}
        for tp in sorted(partitions):
            try:
                records = (await consumer.getmany(tp, timeout_ms=0, max_records=1)).get(tp, [])
            except UnicodeDecodeError as exc:
                offset = await consumer.position(tp)  # not consumed: the record it failed on
                consumer.seek(tp, offset + 1)
                records = [UnreadableRecord(tp.topic, tp.partition, offset, f"a header name is not UTF-8 "
                                            f"({exc.reason}); the record is only at its origin")]
            if records:
                fetched[tp] = records
        if fetched:
            return fetched
        await asyncio.sleep(0.1)
    return {}
