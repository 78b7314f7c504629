"""``python -m tests.bench --rebuild-only --events 1000000``: is a long rebuild flat?

Fills one topic with N TopicSubmitted events (in chunks, so the filling does not weigh on
the process's memory), rebuilds council's projection from it, and reports the rebuild's
resident memory (at the start, the peak, the end) and its rate in the first and the last
tenth of the events: flat means the last tenth within 10% of the first.
"""

import asyncio
import resource
import time
import uuid
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer
from yishi_contracts import INTAKE

from services.kit.rebuild import Progress, rebuild
from services.kit.topics import ensure_topics
from services.system import migrate
from services.system.catalog import app_module

from . import leftovers, yishi
from .workload import records, submissions

CHUNK = 10_000
_PAGE = resource.getpagesize()


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * _PAGE / 2**20


@dataclass
class _Sample:
    at: float
    """Seconds since the rebuild began reading."""
    read: int
    rss_mb: float


async def _fill(bootstrap: str, topic: str, n: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5,
                                max_batch_size=256 * 1024)
    await producer.start()
    try:
        for start in range(0, n, CHUNK):
            wire = records(submissions(min(CHUNK, n - start)))
            deliveries = [await producer.send(topic, value=r.value, key=r.key, headers=r.headers) for r in wire]
            await asyncio.gather(*deliveries)
    finally:
        await producer.stop()


def _rate(samples: list[_Sample], low: int, high: int) -> float:
    """Events/s between the first samples at or past ``low`` and ``high`` records read."""
    first = next(s for s in samples if s.read >= low)
    last = next(s for s in samples if s.read >= high)
    return (last.read - first.read) / max(last.at - first.at, 1e-9)


async def flat_rebuild(infra, n: int) -> str:
    run = uuid.uuid4().hex[:6]
    prefix = f"bench{run}."
    topic = f"{prefix}{INTAKE.topic}"
    database = f"bench_rebuild_{run}"
    url = infra.create_database(database)
    migrate.upgrade(yishi.SERVICE, url)
    runtime = app_module(yishi.SERVICE).build_runtime(yishi.settings(url, infra.bootstrap_servers, prefix))
    topics = [f"{prefix}{t}" for t in runtime.projection.topics]
    await ensure_topics(infra.bootstrap_servers, topics, partitions=12, replication_factor=1)
    try:
        filling = time.perf_counter()
        await _fill(infra.bootstrap_servers, topic, n)
        filled = time.perf_counter() - filling
        start_rss = _rss_mb()
        samples = [_Sample(0.0, 0, start_rss)]

        def sample(progress: Progress) -> None:
            if not progress.swapped:
                samples.append(_Sample(progress.seconds, progress.records_read, _rss_mb()))

        started = time.perf_counter()
        report = await rebuild(service=yishi.SERVICE, projection=runtime.projection, database_url=url,
                               bootstrap_servers=infra.bootstrap_servers, topic_prefix=prefix, progress=sample)
        elapsed = time.perf_counter() - started
    finally:
        await leftovers.drop(infra, prefix=prefix, databases=[database])
    tenth = n // 10
    first, last = _rate(samples, 0, tenth), _rate(samples, n - tenth, n)
    peak = max(s.rss_mb for s in samples)
    return "\n".join([
        f"\n{n} TopicSubmitted events, one rebuild of {yishi.SERVICE}'s projection (topic filled in {filled:.0f} s)\n",
        f"{'events applied':34} {report.events_applied:>10}",
        f"{'rebuild /s (whole, with the swap)':34} {report.records_read / elapsed:10.0f}",
        f"{'rebuild /s (first tenth)':34} {first:10.0f}",
        f"{'rebuild /s (last tenth)':34} {last:10.0f}",
        f"{'last / first tenth':34} {last / first:10.2f}  (≥ 0.9)",
        f"{'s replaying':34} {samples[-1].at:10.1f}",
        f"{'s after (indexes, WAL, swap)':34} {elapsed - samples[-1].at:10.1f}",
        f"{'RSS MB at start':34} {start_rss:10.0f}",
        f"{'RSS MB peak during the rebuild':34} {peak:10.0f}",
        f"{'RSS MB at the end':34} {samples[-1].rss_mb:10.0f}",
        f"{'RSS MB process peak (ru_maxrss)':34} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:10.0f}",
    ])
