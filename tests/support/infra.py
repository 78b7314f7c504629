"""Kafka + PostgreSQL for tests, from whatever this machine offers.

Use from a session-scoped fixture:

    from tests.support.infra import infrastructure

    @pytest.fixture(scope="session")
    def infra():
        with infrastructure() as infra:
            yield infra

Backend choice (first that applies; force one with YISHI_TEST_BACKEND=external|docker|local):
  external  YISHI_TEST_KAFKA_BOOTSTRAP_SERVERS and YISHI_TEST_PG_ADMIN_URL are both set
  docker    a Docker engine answers: testcontainers' Kafka and PostgreSQL containers
  local     deploy.localstack's LocalKafka + LocalPostgres in a temp dir on free ports
Everything started here is stopped when the `with` block ends. YISHI_TEST_KEEP_STATE=1 keeps
the local backend's temp dir (logs, data) for a post-mortem.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import shutil
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Optional
from urllib.parse import urlsplit, urlunsplit

from deploy.localstack import LocalKafka, LocalPostgres, free_port

ENV_KAFKA = "YISHI_TEST_KAFKA_BOOTSTRAP_SERVERS"
ENV_PG = "YISHI_TEST_PG_ADMIN_URL"
ENV_BACKEND = "YISHI_TEST_BACKEND"


@dataclass
class Infra:
    """What tests get: where Kafka and PostgreSQL are, and (local backend) handles to them."""

    backend: str
    bootstrap_servers: str
    admin_url: str
    kafka: Optional[LocalKafka] = None
    postgres: Optional[LocalPostgres] = None
    state_dir: Optional[Path] = None
    _closers: list[Callable[[], Any]] = field(default_factory=list, repr=False)

    def url_for(self, dbname: str) -> str:
        parts = urlsplit(self.admin_url)
        return urlunsplit(parts._replace(path="/" + dbname))

    def create_database(self, name: str) -> str:
        """Create database `name` if missing (idempotent); return its URL."""
        if self.postgres is not None:
            return self.postgres.create_database(name)
        _run_async(lambda: _create_database_asyncpg(self.admin_url, name))
        return self.url_for(name)

    def close(self) -> None:
        while self._closers:
            closer = self._closers.pop()
            with contextlib.suppress(Exception):
                closer()


def choose_backend() -> str:
    forced = os.environ.get(ENV_BACKEND)
    if forced:
        if forced not in ("external", "docker", "local"):
            raise ValueError(f"{ENV_BACKEND}={forced!r}: use external, docker or local")
        return forced
    if os.environ.get(ENV_KAFKA) and os.environ.get(ENV_PG):
        return "external"
    if docker_available():
        return "docker"
    return "local"


def docker_available() -> bool:
    try:
        import docker  # noqa: PLC0415 (lazy: only the docker backend needs it)

        client = docker.from_env(timeout=3)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:
        return False


@contextlib.contextmanager
def infrastructure(backend: Optional[str] = None) -> Iterator[Infra]:
    """Yield a running Infra; tear down everything it started afterwards."""
    backend = backend or choose_backend()
    infra = {"external": _external, "docker": _docker, "local": _local}[backend]()
    atexit.register(infra.close)  # safety net if the with-block is never left normally
    try:
        yield infra
    finally:
        infra.close()
        atexit.unregister(infra.close)


# --------------------------------------------------------------------------- backends


def _external() -> Infra:
    missing = [v for v in (ENV_KAFKA, ENV_PG) if not os.environ.get(v)]
    if missing:
        raise RuntimeError(f"external test infrastructure needs {', '.join(missing)}")
    return Infra("external", os.environ[ENV_KAFKA], os.environ[ENV_PG])


def _docker() -> Infra:
    try:
        from testcontainers.community.kafka import KafkaContainer  # noqa: PLC0415
        from testcontainers.community.postgres import PostgresContainer  # noqa: PLC0415
    except ImportError:  # testcontainers < 4.15
        from testcontainers.kafka import KafkaContainer  # noqa: PLC0415
        from testcontainers.postgres import PostgresContainer  # noqa: PLC0415

    closers: list[Callable[[], Any]] = []
    try:
        pg = PostgresContainer("postgres:16", username="postgres", password="postgres",
                               dbname="postgres", driver=None)
        pg.with_command("postgres -c max_connections=200")
        pg.start()
        closers.append(pg.stop)
        kafka = KafkaContainer().with_kraft()
        kafka.with_env("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
        kafka.start()
        closers.append(kafka.stop)
    except BaseException:
        for closer in reversed(closers):
            with contextlib.suppress(Exception):
                closer()
        raise
    return Infra("docker", kafka.get_bootstrap_server(), pg.get_connection_url(driver=None), _closers=closers)


def _local() -> Infra:
    root = Path(tempfile.mkdtemp(prefix="yishi-test-"))
    root.chmod(0o755)  # the unprivileged postgres user must reach its state dir below
    ports: set[int] = set()
    while len(ports) < 3:
        ports.add(free_port())
    pg_port, kafka_port, controller_port = sorted(ports)
    pg = LocalPostgres(root / "postgres", port=pg_port)
    kafka = LocalKafka(root / "kafka", port=kafka_port, controller_port=controller_port)
    infra = Infra("local", kafka.bootstrap_servers, pg.admin_url, kafka=kafka, postgres=pg, state_dir=root)
    if not os.environ.get("YISHI_TEST_KEEP_STATE"):
        infra._closers.append(lambda: shutil.rmtree(root, ignore_errors=True))
    infra._closers.append(pg.stop)
    infra._closers.append(kafka.stop)
    try:
        with ThreadPoolExecutor(2, thread_name_prefix="yishi-infra") as pool:
            futures = [pool.submit(kafka.start), pool.submit(pg.start)]
            for future in futures:
                future.result()
    except BaseException:
        infra.close()
        raise
    return infra


# --------------------------------------------------------------------------- helpers


async def _create_database_asyncpg(admin_url: str, name: str) -> None:
    import asyncpg  # noqa: PLC0415

    conn = await asyncpg.connect(admin_url)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            ident = '"' + name.replace('"', '""') + '"'
            with contextlib.suppress(asyncpg.DuplicateDatabaseError):
                await conn.execute(f"CREATE DATABASE {ident}")
    finally:
        await conn.close()


def _run_async(make_coro: Callable[[], Any]) -> Any:
    """asyncio.run, also when called from inside a running event loop (then in a thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coro())
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(make_coro())
        except BaseException as exc:  # re-raised in the caller's thread
            result["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")
