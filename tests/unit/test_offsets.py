"""The offsets a batch subscriber commits: in the background while the next batch is processed,
never backwards, only of partitions still assigned, and all of them before the service stops."""

import asyncio
from dataclasses import dataclass

from aiokafka import TopicPartition
from aiokafka.errors import CommitFailedError

from services.kit.batches import Offsets

A, B, C = (TopicPartition("yishi.intake.v1", p) for p in range(3))


@dataclass
class _Record:
    topic: str
    partition: int
    offset: int


def records(tp: TopicPartition, *offsets: int) -> list[_Record]:
    return [_Record(tp.topic, tp.partition, o) for o in offsets]


class _Consumer:
    """Commits wait for ``answer`` to be released; the next ``refusals`` commits are refused."""

    def __init__(self, *assigned: TopicPartition) -> None:
        self.assigned = set(assigned)
        self.sent: list[dict[TopicPartition, int]] = []
        self.committed: dict[TopicPartition, int] = {}
        self.answer = asyncio.Event()
        self.answer.set()
        self.refusals = 0
        self.in_flight = self.most_in_flight = 0

    def assignment(self) -> set[TopicPartition]:
        return set(self.assigned)

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        self.sent.append(dict(offsets))
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await self.answer.wait()
        finally:
            self.in_flight -= 1
        if self.refusals:
            self.refusals -= 1
            raise CommitFailedError("the group rebalanced")
        self.committed.update(offsets)


async def settled() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_a_batch_does_not_wait_for_its_commit_and_the_next_ones_go_together() -> None:
    consumer, offsets = _Consumer(A, B), Offsets()
    consumer.answer.clear()  # the broker is slow to answer
    await asyncio.wait_for(offsets.commit(consumer, records(A, 0, 1)), timeout=1)
    await settled()
    assert consumer.sent == [{A: 2}] and consumer.committed == {}
    await asyncio.wait_for(offsets.commit(consumer, records(A, 2)), timeout=1)
    await asyncio.wait_for(offsets.commit(consumer, records(B, 5)), timeout=1)
    consumer.answer.set()
    await settled()
    assert consumer.sent == [{A: 2}, {A: 3, B: 6}]
    assert consumer.committed == {A: 3, B: 6}


async def test_an_offset_never_goes_back_and_a_revoked_partition_is_left_to_its_new_owner() -> None:
    consumer, offsets = _Consumer(A, B), Offsets()
    await offsets.commit(consumer, records(A, 7, 3))  # out of order within a batch: the greatest counts
    await settled()
    consumer.assigned = {A}
    await offsets.commit(consumer, records(B, 9) + records(A, 8))
    await settled()
    assert consumer.sent == [{A: 8}, {A: 9}]


async def test_a_refused_commit_goes_again_with_the_next_batch() -> None:
    consumer, offsets = _Consumer(A, B), Offsets()
    consumer.refusals = 1
    await offsets.commit(consumer, records(A, 0))
    await settled()
    assert consumer.committed == {}
    await offsets.commit(consumer, records(B, 0))
    await settled()
    assert consumer.committed == {A: 1, B: 1}


async def test_closing_waits_for_the_commit_on_its_way_and_then_each_batch_commits_before_it_ends() -> None:
    consumer, offsets = _Consumer(A, B, C), Offsets()
    consumer.answer.clear()
    await asyncio.wait_for(offsets.commit(consumer, records(A, 0)), timeout=1)
    await asyncio.wait_for(offsets.commit(consumer, records(B, 0)), timeout=1)
    closing = asyncio.create_task(offsets.close(consumer, within=1))
    await settled()
    assert not closing.done()
    consumer.answer.set()
    await asyncio.wait_for(closing, timeout=1)
    assert consumer.committed == {A: 1, B: 1}
    consumer.answer.clear()
    last = asyncio.create_task(offsets.commit(consumer, records(C, 4)))  # the batch in hand as the service stops
    await settled()
    assert not last.done()
    consumer.answer.set()
    await asyncio.wait_for(last, timeout=1)
    assert consumer.committed == {A: 1, B: 1, C: 5}


async def test_a_commit_refused_as_the_service_stops_is_logged_and_stopping_goes_on(caplog) -> None:
    consumer, offsets = _Consumer(A), Offsets()
    consumer.refusals = 2  # the commit in the background, then the one closing sends
    await offsets.commit(consumer, records(A, 0))
    await asyncio.wait_for(offsets.close(consumer, within=1), timeout=1)
    assert consumer.committed == {}
    assert "delivered again" in caplog.text


async def test_a_broker_that_never_answers_keeps_a_stopping_service_waiting_no_longer_than_its_grace(caplog) -> None:
    consumer, offsets = _Consumer(A), Offsets()
    consumer.answer.clear()  # retried for ever by the client while the broker is away
    await offsets.commit(consumer, records(A, 0))
    await asyncio.wait_for(offsets.close(consumer, within=0.2), timeout=2)
    assert consumer.committed == {} and "delivered again" in caplog.text


async def test_once_closing_two_commits_are_never_on_their_way_at_once() -> None:
    """Stopping, the close and the batch in hand may both commit; the broker may answer the later
    request first, so an older offset could be the last one written."""
    consumer, offsets = _Consumer(A), Offsets()
    await offsets.close(consumer, within=1)
    consumer.answer.clear()
    first = asyncio.create_task(offsets.commit(consumer, records(A, 0)))
    await settled()
    second = asyncio.create_task(offsets.commit(consumer, records(A, 1)))
    await settled()
    assert consumer.most_in_flight == 1
    consumer.answer.set()
    await asyncio.wait_for(asyncio.gather(first, second), timeout=1)
    assert consumer.most_in_flight == 1 and consumer.committed == {A: 2}
