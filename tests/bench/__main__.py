"""``python -m tests.bench [--events N] [--runs R] [--scenario S ...]``: Yishi against its raw libraries.

Scenarios (all by default): ``backbone`` pushes N real TopicSubmitted events through raw
aiokafka/asyncpg and through the kit (relay, live projection, rebuild); ``http`` drives
POST /topics at concurrency 32 against a minimal endpoint on the same server stack; ``latency``
times submit → visible in the council's queue at 50/s and 200/s against raw produce → consume;
``ledger`` times the 台账 of a year over 5,000 communities × 100 topics seeded by COPY.
Each prints its figures per run and the ratios. Servers: the test suite's (YISHI_TEST_*
variables, or local processes it starts).
The backbone also prints the CPU time this process spent per event in the raw consumer and in
the rebuild (everything of the process: fetching, parsing, encoding), steadier than a rate
when the machine is shared.
``--rebuild-only`` runs one long rebuild instead (tests/bench/rebuild.py); the backbone
scenario also commits rows at a steady rate and times the relay's commit → Kafka ack.
"""

import argparse
import asyncio
import logging
import statistics
import time
import uuid

from services.kit.collector import tune_collector
from services.kit.topics import ensure_topics
from services.system import migrate
from tests.support.infra import infrastructure

from . import http, latency, ledger, leftovers, raw, rebuild, relay, yishi
from .workload import records, submissions


async def one_run(infra, n: int, *, latency_rate: float, latency_seconds: float) -> dict[str, float]:
    run = uuid.uuid4().hex[:6]
    prefix, raw_topic = f"bench{run}.", f"bench{run}.raw"
    envelopes = submissions(n)
    wire = records(envelopes)
    await ensure_topics(infra.bootstrap_servers, [raw_topic, f"{prefix}yishi.intake.v1", f"{prefix}latency"],
                        partitions=12, replication_factor=1)
    databases = [f"bench_raw_{run}", f"bench_{yishi.SERVICE}_{run}"]
    try:
        raw_db = infra.create_database(databases[0])
        service_db = infra.create_database(databases[1])
        migrate.upgrade(yishi.SERVICE, service_db)
        figures = {"raw produce": await raw.produce(infra.bootstrap_servers, raw_topic, wire)}
        cpu = time.process_time()
        figures["raw getmany+validate+COPY"] = await raw.consume_into_postgres(infra.bootstrap_servers, raw_topic, raw_db, n)
        cpu_raw = (time.process_time() - cpu) / n * 1e6
        figures["relay drain"] = await yishi.relay_drain(service_db, infra.bootstrap_servers, prefix, envelopes)
        figures["projection catch-up (live)"] = await yishi.live_catch_up(service_db, infra.bootstrap_servers, prefix, n)
        cpu = time.process_time()
        figures["rebuild"], _ = await yishi.replay(service_db, infra.bootstrap_servers, prefix)
        figures["raw getmany+validate+COPY CPU µs"] = cpu_raw
        figures["rebuild CPU µs"] = (time.process_time() - cpu) / n * 1e6
        steady = dict(rate=latency_rate, seconds=latency_seconds)
        figures["relay commit→ack p50 ms"], figures["relay commit→ack p99 ms"] = await relay.commit_to_ack(
            service_db, infra.bootstrap_servers, f"{prefix}latency", **steady)
        figures["raw produce→ack p50 ms"], figures["raw produce→ack p99 ms"] = await relay.produce_to_ack(
            infra.bootstrap_servers, raw_topic, **steady)
        return figures
    finally:
        await leftovers.drop(infra, prefix=prefix, databases=databases)


RATIOS = (
    ("relay drain", "raw produce", 0.5),
    ("projection catch-up (live)", "raw getmany+validate+COPY", 0.5),
    ("rebuild", "raw getmany+validate+COPY", 0.5),
)
LIMITS = (("relay commit→ack p99 ms", 50.0),)


SCENARIOS = ("backbone", "http", "latency", "ledger")


def table(runs: list[dict[str, float]], unit: str = "", width: int = 34) -> str:
    """Each figure per run and its median."""
    lines = [f"{'measure':{width}} " + " ".join(f"{'run ' + str(i + 1):>10}" for i in range(len(runs))) + f" {'median':>10}"]
    for name in runs[0]:
        values = [r[name] for r in runs]
        timed = name.endswith((" ms", " µs"))  # a time, not a rate
        digits = 1 if timed else (0 if max(abs(v) for v in values) >= 100 else 2)
        label = name if timed else name + unit
        lines.append(f"{label:{width}} " + " ".join(f"{v:10.{digits}f}" for v in values)
                     + f" {statistics.median(values):10.{digits}f}")
    return "\n".join(lines)


def report(runs: list[dict[str, float]]) -> str:
    lines = [table(runs, " /s"), ""]
    lines.append(f"{'ratio (goal)':34} " + " ".join(f"{'':>10}" for _ in runs) + f" {'median':>10}")
    for ours, theirs, goal in RATIOS:
        values = [r[ours] / r[theirs] for r in runs]
        lines.append(f"{ours + ' / ' + theirs.split(' ')[1]:34} " + " ".join(f"{v:10.2f}" for v in values)
                     + f" {statistics.median(values):10.2f}  (≥ {goal})")
    values = [r["raw getmany+validate+COPY CPU µs"] / r["rebuild CPU µs"] for r in runs]
    lines.append(f"{'rebuild CPU/event: raw / ours':34} " + " ".join(f"{v:10.2f}" for v in values)
                 + f" {statistics.median(values):10.2f}  (the rebuild's ratio once the database keeps up)")
    for name, limit in LIMITS:
        values = [r[name] for r in runs]
        lines.append(f"{name:34} " + " ".join(f"{v:10.1f}" for v in values)
                     + f" {statistics.median(values):10.1f}  (≤ {limit:.0f})")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency-rate", type=float, default=200.0,
                        help="rows/s committed one per transaction for the relay's commit→ack latency")
    parser.add_argument("--latency-seconds", type=float, default=10.0)
    parser.add_argument("--rebuild-only", action="store_true",
                        help="one rebuild of --events events: its memory and the rate of its first and last tenth")
    parser.add_argument("--scenario", choices=SCENARIOS, action="append",
                        help="run only this part (repeatable); all of them by default")
    args = parser.parse_args()
    tune_collector()  # as `yishi serve` and `yishi rebuild` do; the raw measurements run with it too
    scenarios = args.scenario or SCENARIOS
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("faststream").setLevel(logging.WARNING)
    if args.rebuild_only:
        with infrastructure() as infra:
            print(asyncio.run(rebuild.flat_rebuild(infra, args.events)))
        return
    with infrastructure() as infra:
        if "backbone" in scenarios:
            runs = [asyncio.run(one_run(infra, args.events, latency_rate=args.latency_rate,
                                       latency_seconds=args.latency_seconds)) for _ in range(args.runs)]
            print(f"\n{args.events} TopicSubmitted events, {args.runs} runs, 12 partitions\n")
            print(report(runs))
        if "http" in scenarios:
            runs = [http.run(infra) for _ in range(args.runs)]
            print(f"\nPOST /topics at concurrency {http.CONCURRENCY}, {args.runs} runs, served alike (uvloop, httptools)\n")
            print(table(runs, width=40) + "\n\n" + http.summary(runs))
        if "latency" in scenarios:
            runs = [latency.run(infra) for _ in range(args.runs)]
            print(f"\nsubmit → visible in the council's queue, {latency.SECONDS:.0f} s per rate, {args.runs} runs\n")
            print(table(runs, width=40) + "\n\n" + latency.summary(runs))
        if "ledger" in scenarios:
            runs = [asyncio.run(ledger.run(infra)) for _ in range(args.runs)]
            print(f"\nthe 台账 of a year: 5,000 communities × 100 topics, {args.runs} runs (goal: city p99 well under 1 s)\n")
            print(table(runs, width=44))


if __name__ == "__main__":
    main()
