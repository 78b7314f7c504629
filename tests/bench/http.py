"""POST /topics at concurrency 32: intake against a minimal endpoint on the same server stack.

Both are served by uvicorn in a subprocess with ``services.system.cli.SERVER_STACK`` (uvloop,
httptools) on 127.0.0.1. The minimal endpoint is FastAPI with a pydantic body doing what any
JSON-over-PostgreSQL service must: one transaction with one insert, on a pool made by the
kit's ``create_pool``. Intake is ``yishi serve intake`` as deployed (its relay and consumer
running, access log on). A small asyncio HTTP/1.1 client with keep-alive connections drives
them, so the client costs little of the two cores it shares with the servers.
"""

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from deploy.localstack import free_port
from services.kit.settings import KafkaSettings
from services.kit.topics import ensure_topics
from services.system import migrate
from tests.support.processes import ROOT, ServiceProcess, service_env
from tests.support.registry import QINGBOMEN, seed_registry

from . import leftovers
from .workload import TITLES

COMMUNITY = QINGBOMEN

CONCURRENCY = 32
MINIMAL_DATABASE = "YISHI_BENCH_MINIMAL_DATABASE_URL"


def minimal_app():  # type: ignore[no-untyped-def]
    """The denominator: one insert transaction behind a pydantic model, nothing else."""
    from fastapi import FastAPI
    from pydantic import BaseModel

    from services.kit.db import create_pool

    class Submission(BaseModel):
        community_id: str
        title: str
        description: str

    state: dict[str, object] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        pool = await create_pool(os.environ[MINIMAL_DATABASE])
        await pool.execute("CREATE TABLE IF NOT EXISTS minimal_topics (topic_id uuid PRIMARY KEY, community_id text, "
                           "title text, description text, submitted_at timestamptz NOT NULL DEFAULT now())")
        state["pool"] = pool
        yield
        await pool.close()

    app = FastAPI(lifespan=lifespan)

    @app.get("/health/ready")
    async def ready() -> dict[str, str]:
        return {"status": "ready"}

    @app.post("/topics", status_code=201)
    async def submit(body: Submission) -> dict[str, str]:
        topic_id = uuid.uuid4()
        async with state["pool"].acquire() as conn, conn.transaction():  # type: ignore[attr-defined]
            await conn.execute("INSERT INTO minimal_topics (topic_id, community_id, title, description) "
                               "VALUES ($1, $2, $3, $4)", topic_id, body.community_id, body.title, body.description)
        return {"topic_id": str(topic_id)}

    return app


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    latencies: list[float]
    failures: dict[int, int]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def submission_body(n: int, community: str = COMMUNITY) -> bytes:
    return json.dumps({"community_id": community, "title": f"{TITLES[n % 4]}（{n}）",
                       "description": "居民反映的问题，需要社区协商议事会研究解决，附近居民意见较大。"},
                      ensure_ascii=False).encode()


def post(path: str, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{extra}\r\n")
    return head.encode() + body


class Connection:
    """One keep-alive HTTP/1.1 connection: send a request, read status and body (Content-Length)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> "Connection":
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def exchange(self, request: bytes) -> tuple[int, bytes]:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return int(head[9:12]), await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


async def closed_loop(port: int, request: Callable[[int], bytes], *, count: int, seconds: float,
                      concurrency: int = CONCURRENCY) -> Load:
    """``concurrency`` connections each sending its next request when the last is answered, until
    ``count`` requests or ``seconds`` have gone by, whichever is first."""
    connections = [await Connection.open(port) for _ in range(concurrency)]
    latencies: list[float] = []
    failures: dict[int, int] = {}
    issued = 0
    started = time.perf_counter()
    deadline = started + seconds

    async def worker(conn: Connection) -> None:
        nonlocal issued
        while issued < count and time.perf_counter() < deadline:
            issued += 1
            sent = time.perf_counter()
            status, _ = await conn.exchange(request(issued))
            latencies.append(time.perf_counter() - sent)
            if status >= 300:
                failures[status] = failures.get(status, 0) + 1

    try:
        await asyncio.gather(*(worker(c) for c in connections))
    finally:
        for conn in connections:
            conn.close()
    return Load(len(latencies), time.perf_counter() - started, latencies, failures)


class MinimalServer:
    """The minimal endpoint in a uvicorn subprocess, served like ``yishi serve``."""

    def __init__(self, database_url: str, log_dir: Path) -> None:
        self.port = free_port()
        self.database_url = database_url
        self.log_path = log_dir / "minimal.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> "MinimalServer":
        env = {**os.environ, "PYTHONPATH": str(ROOT), MINIMAL_DATABASE: self.database_url}
        self.process = subprocess.Popen([sys.executable, "-m", "tests.bench.http", str(self.port)], cwd=ROOT, env=env,
                                        stdout=self.log_path.open("ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the minimal server exited:\n{self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/health/ready", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.terminate()
        raise RuntimeError("the minimal server did not start")

    def terminate(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used (Linux /proc): a figure the other tenants of a
    shared machine disturb far less than a rate."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Tally:
    """One server's figures over the rounds it was driven."""

    requests: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    latencies: list[float] | None = None

    def add(self, load: Load, cpu: float) -> None:
        self.requests += load.requests
        self.seconds += load.seconds
        self.cpu += cpu
        self.latencies = [*(self.latencies or []), *load.latencies]

    def figures(self, name: str) -> dict[str, float]:
        ordered = sorted(self.latencies or [0.0])
        return {f"POST /topics {name} /s": self.requests / self.seconds,
                f"POST /topics {name} p99 ms": ordered[int(0.99 * (len(ordered) - 1))] * 1000,
                f"POST /topics {name} CPU ms/request": 1000 * self.cpu / self.requests}


async def _round(port: int, pid: int, tally: Tally, *, count: int, seconds: float, first: int) -> None:
    before = cpu_seconds(pid)
    load = await closed_loop(port, lambda n: post("/topics", submission_body(first + n)), count=count, seconds=seconds)
    if load.failures or not load.requests:
        raise RuntimeError(f"port {port} answered {load.failures} of {load.requests} requests")
    tally.add(load, cpu_seconds(pid) - before)


async def _alternate(servers: dict[str, tuple[int, int]], *, rounds: int, count: int, seconds: float,
                     warm_up: int) -> dict[str, Tally]:
    """Warm each server up, then drive them in turn, round after round: a machine whose load
    drifts disturbs both alike."""
    for port, pid in servers.values():
        await _round(port, pid, Tally(), count=warm_up, seconds=seconds, first=0)
    tallies = {name: Tally() for name in servers}
    for r in range(rounds):
        for name, (port, pid) in servers.items():
            await _round(port, pid, tallies[name], count=count, seconds=seconds, first=warm_up + r * count)
    return tallies


def run(infra, *, rounds: int = 4, count: int = 1_500, seconds: float = 8.0, warm_up: int = 300) -> dict[str, float]:
    """One run: intake and the minimal endpoint side by side, driven in turn at concurrency 32."""
    tag = uuid.uuid4().hex[:6]
    prefix = f"benchhttp{tag}."
    intake_db = infra.create_database(f"bench_http_intake_{tag}")
    migrate.upgrade("intake", intake_db)
    minimal_db = infra.create_database(f"bench_http_minimal_{tag}")
    asyncio.run(ensure_topics(infra.bootstrap_servers, [f"{prefix}yishi.{s}.v1" for s in
                                                        ("intake", "council", "meeting", "publication")],
                              partitions=12, replication_factor=1))
    with tempfile.TemporaryDirectory(prefix="yishi-bench-http-") as logs:
        intake = ServiceProcess("intake", service_env(infra, prefix, {"intake": intake_db}), Path(logs))
        minimal = MinimalServer(minimal_db, Path(logs))
        try:
            intake.start()
            asyncio.run(seed_registry(KafkaSettings(bootstrap_servers=infra.bootstrap_servers, topic_prefix=prefix),
                                      [COMMUNITY], databases=[intake_db]))
            minimal.start()
            assert intake.process is not None and minimal.process is not None
            servers = {"intake": (intake.port, intake.process.pid), "minimal": (minimal.port, minimal.process.pid)}
            tallies = asyncio.run(_alternate(servers, rounds=rounds, count=count, seconds=seconds, warm_up=warm_up))
        finally:
            intake.terminate()
            minimal.terminate()
            leftovers.drop_now(infra, prefix=prefix, databases=[f"bench_http_intake_{tag}", f"bench_http_minimal_{tag}"])
    return {**tallies["intake"].figures("intake"), **tallies["minimal"].figures("minimal")}


def summary(runs: list[dict[str, float]]) -> str:
    ratios = [r["POST /topics intake /s"] / r["POST /topics minimal /s"] for r in runs]
    return (f"intake / minimal endpoint: {' '.join(f'{v:.2f}' for v in ratios)}  median {statistics.median(ratios):.2f}"
            "  (goal ≥ 0.5)")


if __name__ == "__main__":  # the minimal server's process: python -m tests.bench.http PORT
    from services.kit import logs
    from services.system.cli import run_server

    logs.configure("minimal")
    run_server("tests.bench.http:minimal_app", host="127.0.0.1", port=int(sys.argv[1]), grace_seconds=5)
