"""The kit's fetch for FastStream batch subscribers: an empty fetch is followed by the next at
once (FastStream's own sleeps its batch timeout again), records come as one tuple."""

import anyio
import pytest
from aiokafka import TopicPartition
from faststream.kafka import KafkaBroker

from services.kit.batches import fetch_batches


class _Consumer:
    def __init__(self, *answers: dict) -> None:
        self._answers = list(answers)
        self.calls: list[dict] = []

    async def getmany(self, *partitions: TopicPartition, timeout_ms: int = 0, max_records: int | None = None) -> dict:
        self.calls.append({"partitions": partitions, "timeout_ms": timeout_ms, "max_records": max_records})
        return self._answers.pop(0)


@pytest.fixture
def subscriber():
    broker = KafkaBroker("127.0.0.1:9")  # never connected: only the subscriber's fetch is used
    subscriber = broker.subscriber("yishi.intake.v1", batch=True, max_records=7, batch_timeout_ms=30)
    fetch_batches(subscriber)
    return subscriber


async def test_an_empty_fetch_returns_at_once_without_sleeping(subscriber, monkeypatch) -> None:
    async def no_sleep(seconds: float) -> None:
        raise AssertionError(f"slept {seconds} s after an empty fetch")

    monkeypatch.setattr(anyio, "sleep", no_sleep)
    consumer = _Consumer({}, {})
    assert await subscriber.get_msg(consumer) == ()
    assert await subscriber.get_msg(consumer) == ()
    assert consumer.calls == [{"partitions": (), "timeout_ms": 30, "max_records": 7}] * 2


async def test_the_records_of_every_partition_come_as_one_batch(subscriber) -> None:
    a, b = TopicPartition("yishi.intake.v1", 0), TopicPartition("yishi.intake.v1", 1)
    consumer = _Consumer({a: ["a0", "a1"], b: ["b0"]})
    assert await subscriber.get_msg(consumer) == ("a0", "a1", "b0")
