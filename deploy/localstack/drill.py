"""The cluster drill: events flow through the outbox relay's own producer (acks=all,
idempotent: ``services.kit.relay.build_producer``) into a 3-way replicated topic while a
consumer group reads them; one broker -- the leader of partition 0 -- is SIGKILLed with a
batch in flight. Counts what was acknowledged, what is in the log afterwards, and how
long producing and consuming stalled.

Like the relay, a batch whose sends fail is sent again (at least once; the log may then
hold a duplicate, which consumers deduplicate). Needs the project's Python environment
(aiokafka and the kit), unlike the rest of the local stack.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Optional

from .cluster import LocalKafkaCluster


@dataclass
class DrillReport:
    events: int = 0
    acknowledged: int = 0
    send_failures: int = 0
    """Sends that failed and were sent again, as the relay does (not acknowledged, so not lost)."""
    lost: int = 0
    """Acknowledged events missing from the log afterwards: must be 0."""
    in_log: int = 0
    duplicates_in_log: int = 0
    consumed: int = 0
    consumed_after_kill: int = 0
    killed_node: int = 0
    longest_ack_gap_seconds: float = 0.0
    recovered_after_seconds: float = 0.0
    """From the kill to the first batch acknowledged in full after it."""
    consumer_caught_up_seconds: float = 0.0
    """From the last acknowledgement until the group had consumed every acknowledged event."""
    rejoined_isr_seconds: Optional[float] = None
    """From restarting the killed node until every partition has all replicas in sync again."""
    total_seconds: float = 0.0
    missing: list[int] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [f"{name:28} {value}" for name, value in asdict(self).items() if name != "missing" or value]


async def run_drill(
    cluster: LocalKafkaCluster,
    *,
    events: int = 2000,
    batch: int = 50,
    pause: float = 0.05,
    kill_at: float = 0.3,
    restart: bool = True,
    timeout: float = 120.0,
) -> DrillReport:
    """Run the drill on a started cluster; kill_at is the share of events acknowledged before the kill."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    from services.kit.kafka_reading import read_to_end
    from services.kit.relay import build_producer
    from services.kit.settings import KafkaSettings
    from services.kit.topics import ensure_topics

    kit = KafkaSettings(bootstrap_servers=cluster.bootstrap_servers)
    topic = f"drill.{uuid.uuid4().hex[:8]}"
    report = DrillReport(events=events)
    t0 = time.monotonic()
    await ensure_topics(kit.bootstrap_servers, [topic], partitions=3, replication_factor=len(cluster.nodes))

    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=kit.bootstrap_servers, group_id=f"{topic}.group", auto_offset_reset="earliest",
        session_timeout_ms=kit.session_timeout_ms, heartbeat_interval_ms=kit.heartbeat_interval_ms,
    )
    consumed: set[int] = set()
    kill_time: list[float] = []

    async def consume() -> None:
        async for record in consumer:
            consumed.add(int(record.value))
            if kill_time:
                report.consumed_after_kill += 1

    producer = build_producer(kit.bootstrap_servers, "cluster-drill")
    await producer.start()
    await consumer.start()
    reading = asyncio.create_task(consume())
    try:
        async with asyncio.timeout(30):
            while not consumer.assignment():
                await asyncio.sleep(0.05)
        acked: set[int] = set()
        ack_times: list[float] = []
        pending = list(range(events))
        while pending:
            chunk, pending = pending[:batch], pending[batch:]
            futures = [await producer.send(topic, str(i).encode(), key=f"k{i % 16}".encode()) for i in chunk]
            if not kill_time and len(acked) >= events * kill_at:
                leader = producer.client.cluster.leader_for_partition(TopicPartition(topic, 0))
                if leader is None or leader < 0:
                    raise RuntimeError(f"drill: no known leader of {topic}-0 to kill (metadata: {leader})")
                report.killed_node = leader
                cluster.kill(leader)  # with this batch in flight
                kill_time.append(time.monotonic())
            results = await asyncio.gather(*futures, return_exceptions=True)
            failed = [i for i, r in zip(chunk, results) if isinstance(r, BaseException)]
            acked.update(i for i, r in zip(chunk, results) if not isinstance(r, BaseException))
            ack_times.append(time.monotonic())
            if kill_time and not failed and not report.recovered_after_seconds:
                report.recovered_after_seconds = round(ack_times[-1] - kill_time[0], 2)
            report.send_failures += len(failed)
            pending = failed + pending
            if time.monotonic() - t0 > timeout:
                raise TimeoutError(f"drill: {len(pending)} events still unacknowledged after {timeout:.0f}s")
            await asyncio.sleep(pause)
        report.acknowledged = len(acked)
        report.longest_ack_gap_seconds = round(max(b - a for a, b in zip(ack_times, ack_times[1:])), 2)

        last_ack = ack_times[-1]
        deadline = last_ack + timeout
        while not acked <= consumed and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        report.consumer_caught_up_seconds = round(time.monotonic() - last_ack, 2)
        report.consumed = len(consumed & acked)
    finally:
        reading.cancel()
        await asyncio.gather(reading, return_exceptions=True)
        await consumer.stop()
        await producer.stop()

    in_log = [int(r.value) async for chunk in read_to_end(kit.bootstrap_servers, [topic]) for r in chunk]
    report.in_log = len(set(in_log))
    report.duplicates_in_log = len(in_log) - len(set(in_log))
    report.missing = sorted(acked - set(in_log))[:20]
    report.lost = len(acked - set(in_log))

    if restart:
        restarted = time.monotonic()
        cluster.restart(report.killed_node)
        await _wait_full_isr(kit.bootstrap_servers, topic, len(cluster.nodes), timeout)
        report.rejoined_isr_seconds = round(time.monotonic() - restarted, 2)
    report.total_seconds = round(time.monotonic() - t0, 2)
    return report


async def _wait_full_isr(bootstrap_servers: str, topic: str, replicas: int, timeout: float) -> None:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="cluster-drill")
    await admin.start()
    try:
        async with asyncio.timeout(timeout):
            while True:
                (described,) = await admin.describe_topics([topic])
                if all(len(p["isr"]) == replicas for p in described["partitions"]):
                    return
                await asyncio.sleep(0.5)
    finally:
        await admin.close()
