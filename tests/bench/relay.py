"""The relay's latency at a steady, moderate rate: from a row's commit to Kafka's acknowledgement,
against raw aiokafka's send → acknowledgement at the same rate."""

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka import AIOKafkaProducer

from services.kit.db import connect
from services.kit.outbox import enqueue
from services.kit.relay import OutboxRelay, build_producer

from .workload import records, submissions


class _Acknowledgements:
    """The relay's producer, noting when Kafka acknowledged each event (by its ``ce_id``)."""

    def __init__(self, producer: AIOKafkaProducer) -> None:
        self._producer = producer
        self.at: dict[str, float] = {}

    async def send(self, topic: str, value: bytes, key: bytes, headers: list[tuple[str, bytes]]) -> Any:
        delivery = await self._producer.send(topic, value=value, key=key, headers=headers)
        event_id = dict(headers)["ce_id"].decode()
        delivery.add_done_callback(lambda _: self.at.setdefault(event_id, time.perf_counter()))
        return delivery


def percentiles(latencies: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[98] * 1000


async def _steadily(rate: float, count: int, act: Callable[[int], Awaitable[None]]) -> None:
    started = time.perf_counter()
    for i in range(count):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await act(i)


async def commit_to_ack(database_url: str, bootstrap: str, topic: str, *, rate: float, seconds: float) -> tuple[float, float]:
    """One-row transactions committed at ``rate`` per second through the kit's relay."""
    envelopes = submissions(int(rate * seconds))
    conn = await connect(database_url)
    producer = build_producer(bootstrap, "bench-relay-latency")
    await producer.start()
    acks = _Acknowledgements(producer)
    relay = OutboxRelay(service="bench-latency", database_url=database_url, producer=acks)  # type: ignore[arg-type]
    task = asyncio.create_task(relay.run())
    committed: dict[str, float] = {}

    async def commit(i: int) -> None:
        async with conn.transaction():
            await enqueue(conn, topic, [envelopes[i]])
        committed[str(envelopes[i].id)] = time.perf_counter()

    try:
        while not relay.is_leader:
            await asyncio.sleep(0.01)
        await _steadily(rate, len(envelopes), commit)
        deadline = time.perf_counter() + 30
        while len(acks.at) < len(committed) and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        if missing := set(committed) - set(acks.at):
            raise RuntimeError(f"{len(missing)} committed rows never acknowledged")
        return percentiles([acks.at[i] - committed[i] for i in committed])
    finally:
        relay.stop()
        await task
        await producer.stop()
        await conn.close()


async def produce_to_ack(bootstrap: str, topic: str, *, rate: float, seconds: float) -> tuple[float, float]:
    """Raw aiokafka with the relay's producer settings, one record at a time at ``rate``."""
    wire = records(submissions(int(rate * seconds)))
    producer = build_producer(bootstrap, "bench-raw-latency")
    await producer.start()
    latencies: list[float] = []

    async def send(i: int) -> None:
        sent = time.perf_counter()
        delivery = await producer.send(topic, value=wire[i].value, key=wire[i].key, headers=wire[i].headers)
        delivery.add_done_callback(lambda _: latencies.append(time.perf_counter() - sent))

    try:
        await _steadily(rate, len(wire), send)
        await producer.flush()
        return percentiles(latencies)
    finally:
        await producer.stop()
