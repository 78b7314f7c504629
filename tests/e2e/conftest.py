"""The whole system as separate OS processes: the four services on the session's Kafka and
PostgreSQL, with their own databases and topic prefix per test module, and a clock file
the tests can move forward (YISHI_CLOCK_OFFSET_FILE)."""

import asyncio
import uuid
from pathlib import Path

import pytest

from tests.support.processes import ServiceProcess, service_env, token, yishi
from tests.support.registry import seed_through_council

SERVICES = ("intake", "council", "meeting", "publication")
COMMUNITIES = ["330102002001", "330102002002", "330102002009", *(f"33010200500{n}" for n in range(1, 6)),
               "330102005099"]
"""The communities the end-to-end tests submit topics for, registered through council."""


class System(dict):
    clock_file: Path

    def move_clock(self, days: float) -> None:
        current = float(self.clock_file.read_text() or 0)
        self.clock_file.write_text(str(current + days * 86400))


@pytest.fixture(scope="module")
def system(infra, tmp_path_factory):
    prefix = f"e2e{uuid.uuid4().hex[:6]}."
    databases = {s: infra.create_database(f"e2e_{s}_{uuid.uuid4().hex[:6]}") for s in SERVICES}
    work = Path(tmp_path_factory.mktemp("system"))
    clock_file = work / "clock-offset-seconds"
    clock_file.write_text("0")
    env = service_env(
        infra, prefix, databases, YISHI_CLOCK_OFFSET_FILE=str(clock_file), YISHI_PUBLICATION_TICK_SECONDS="0.5"
    )
    for service in SERVICES:
        yishi("migrate", service, env=env)
    running = System()
    running.clock_file = clock_file
    try:
        for service in SERVICES:  # if one fails to start, the ones already running are still stopped
            running[service] = ServiceProcess(service, env, work).start()
        asyncio.run(seed_through_council(running["council"].url, token("city", "city_office", scope="3301"),
                                         COMMUNITIES, databases=[databases["intake"]]))
        yield running
    finally:
        for process in running.values():
            process.terminate()
