"""Submit → visible in the council's queue, at a steady rate, against raw produce → consume.

Intake and council run as processes (``yishi serve``) on one topic prefix. Submissions are
sent open-loop at the rate (each at its time, answered or not) over keep-alive connections.
The probe is the cheapest honest one: a row trigger on the council's ``screening_queue``
that notifies at commit — the moment a reader of the queue can see the topic — received on
a LISTEN connection with the time it arrives. The denominator is raw aiokafka at the same
rate: an idempotent acks=all producer like the relay's (linger 5 ms) and a consumer
assigned every partition, timed from send to receipt in one process.
"""

import asyncio
import json
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from services.kit.topics import ensure_topics
from services.system import migrate
from tests.support.processes import ServiceProcess, service_env, token
from tests.support.registry import LAODONGLU, seed_through_council

from . import leftovers
from .http import Connection, post, submission_body

PARTITIONS = 12
SECONDS = 10.0
RATES = (50, 200)
COMMUNITY = LAODONGLU
PROBE = """
CREATE FUNCTION bench_visible() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_notify('bench_visible', NEW.topic_id::text); RETURN NULL; END $$;
CREATE TRIGGER bench_visible AFTER INSERT ON screening_queue FOR EACH ROW EXECUTE FUNCTION bench_visible();
"""


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[int(0.99 * (len(ordered) - 1))] * 1000 if ordered else float("nan")


async def _open_loop(rate: int, seconds: float, send: Callable[[int], Awaitable[None]]) -> None:
    """Call ``send(n)`` at n / rate seconds from now, for ``seconds``, without waiting for answers."""
    started = time.perf_counter()
    tasks = []
    for n in range(int(rate * seconds)):
        delay = started + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(n)))
    await asyncio.gather(*tasks)


async def raw_latency(bootstrap: str, rate: int, seconds: float = SECONDS, *, topic: str) -> float:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await producer.start()
    await consumer.start()
    sent: dict[int, float] = {}
    latencies: list[float] = []
    try:
        partitions = [TopicPartition(topic, p) for p in range(PARTITIONS)]
        consumer.assign(partitions)
        await consumer.seek_to_end()
        for tp in partitions:
            await consumer.position(tp)  # resolved now, so nothing sent next is skipped
        total = int(rate * seconds)

        async def receive() -> None:
            while len(latencies) < total:
                for records in (await consumer.getmany(timeout_ms=200)).values():
                    arrived = time.perf_counter()
                    latencies.extend(arrived - sent[int(r.value)] for r in records)

        async def send(n: int) -> None:
            sent[n] = time.perf_counter()
            await producer.send(topic, value=str(n).encode(), key=uuid.uuid4().bytes)

        receiving = asyncio.create_task(receive())
        await _open_loop(rate, seconds, send)
        await asyncio.wait_for(receiving, 30)
    finally:
        await consumer.stop()
        await producer.stop()
    return p99(latencies)


class Submitter:
    """POST /topics over a few keep-alive connections, one request per connection at a time.

    A connection idle for longer than the server keeps it (uvicorn: 5 s) is not reused; should
    the server close one all the same just as a request goes out, the request is sent again on
    a new connection under the same Idempotency-Key, so it is still one topic."""

    IDLE_SECONDS = 2.0

    def __init__(self, port: int) -> None:
        self.port = port
        self.idle: list[tuple[float, Connection]] = []
        self.sent: dict[str, float] = {}
        self.answered: dict[str, float] = {}
        self.keys = uuid.uuid4().hex[:8]

    async def _connection(self) -> Connection:
        while self.idle:
            since, conn = self.idle.pop()
            if time.monotonic() - since < self.IDLE_SECONDS:
                return conn
            conn.close()
        return await Connection.open(self.port)

    async def submit(self, n: int) -> None:
        conn = await self._connection()
        started = time.perf_counter()
        request = post("/topics", submission_body(n, community=COMMUNITY), {"Idempotency-Key": f"bench-{self.keys}-{n}"})
        try:
            status, body = await conn.exchange(request)
        except (asyncio.IncompleteReadError, ConnectionResetError):
            conn.close()
            conn = await Connection.open(self.port)
            status, body = await conn.exchange(request)
        if status != 201:
            raise RuntimeError(f"intake answered {status}: {body[:200]!r}")
        topic_id = json.loads(body)["topic_id"]
        self.sent[topic_id], self.answered[topic_id] = started, time.perf_counter()
        self.idle.append((time.monotonic(), conn))

    def close(self) -> None:
        for _, conn in self.idle:
            conn.close()


async def _visible_latency(port: int, council_db: str, rate: int, seconds: float) -> tuple[float, float, float]:
    """p99 of submit → visible, of submit → receipt (intake's answer, after its commit) and of
    receipt → visible (the relay, Kafka and the council's consumer), in ms."""
    listener = await asyncpg.connect(council_db)
    visible: dict[str, float] = {}
    await listener.add_listener("bench_visible", lambda *args: visible.setdefault(args[3], time.perf_counter()))
    submitter = Submitter(port)
    try:
        await _open_loop(rate, seconds, submitter.submit)
        deadline = time.monotonic() + 60
        while set(submitter.sent) - set(visible) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        if missing := set(submitter.sent) - set(visible):
            raise RuntimeError(f"{len(missing)} topics never reached the council's queue")
        sent, answered = submitter.sent, submitter.answered
        return (p99([visible[t] - sent[t] for t in sent]), p99([answered[t] - sent[t] for t in sent]),
                p99([visible[t] - answered[t] for t in sent]))
    finally:
        submitter.close()
        await listener.close()


async def _warm(port: int, council_db: str) -> None:
    """A few submissions through to the council's queue: groups joined, statements prepared."""
    await _visible_latency(port, council_db, 10, 1.0)


def run(infra, *, rates: tuple[int, ...] = RATES, seconds: float = SECONDS) -> dict[str, float]:
    tag = uuid.uuid4().hex[:6]
    prefix = f"benchlat{tag}."
    databases = {s: infra.create_database(f"bench_lat_{s}_{tag}") for s in ("intake", "council")}
    for service, url in databases.items():
        migrate.upgrade(service, url)
    figures: dict[str, float] = {}

    raw_topic = f"{prefix}raw"

    async def prepare() -> None:
        await ensure_topics(infra.bootstrap_servers, [raw_topic, *(f"{prefix}yishi.{s}.v1" for s in
                                                                   ("intake", "council", "meeting", "publication"))],
                            partitions=PARTITIONS, replication_factor=1)
        conn = await asyncpg.connect(databases["council"])
        await conn.execute(PROBE)
        await conn.close()

    asyncio.run(prepare())
    env = service_env(infra, prefix, databases)
    with tempfile.TemporaryDirectory(prefix="yishi-bench-latency-") as logs:
        running = [ServiceProcess(s, env, Path(logs)) for s in ("intake", "council")]
        try:
            for process in running:
                process.start()
            intake = running[0]
            asyncio.run(seed_through_council(running[1].url, token("city", "city_office", scope="3301"), [COMMUNITY],
                                             databases=[databases["intake"]]))

            async def measure() -> None:
                await _warm(intake.port, databases["council"])
                await raw_latency(infra.bootstrap_servers, 20, 1.0, topic=raw_topic)  # leaders elected, connected
                for rate in rates:
                    visible, answered, backbone = await _visible_latency(
                        intake.port, databases["council"], rate, seconds)
                    figures[f"submit→visible p99 ms @{rate}/s"] = visible
                    figures[f"  submit→receipt p99 ms @{rate}/s"] = answered
                    figures[f"  receipt→visible p99 ms @{rate}/s"] = backbone
                    figures[f"raw produce→consume p99 ms @{rate}/s"] = await raw_latency(
                        infra.bootstrap_servers, rate, seconds, topic=raw_topic)

            asyncio.run(measure())
        finally:
            for process in running:
                process.terminate()
            leftovers.drop_now(infra, prefix=prefix, databases=[f"bench_lat_{s}_{tag}" for s in databases])
    return figures


def summary(runs: list[dict[str, float]], rates: tuple[int, ...] = RATES) -> str:
    lines = []
    for rate in rates:
        over = [r[f"submit→visible p99 ms @{rate}/s"] - r[f"raw produce→consume p99 ms @{rate}/s"] for r in runs]
        goal = "  (goal ≤ raw + 100 ms)" if rate == max(rates) else ""
        lines.append(f"submit→visible over raw p99 @{rate}/s: {' '.join(f'{v:+.0f} ms' for v in over)}{goal}")
    return "\n".join(lines)
