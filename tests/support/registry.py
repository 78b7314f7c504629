"""Registering the communities a test submits topics for (intake refuses codes not registered).

``seed_registry``: the real DivisionRegistered events (the community, its street and district)
produced onto the test's council topic, as council publishes them — for tests where council
does not run. ``seed_through_council``: the same through council's HTTP API where it runs.
Both wait until every consuming service's replica (``services.kit.registry``) has them.
``MemoryRegistry`` is the in-memory replica of unit tests' fake views.

Names come from ``tests/data/hangzhou.csv``; a code the suite invents that is not in it is
named after its own digits (测试社区051), under its street and district's real names if known.
"""

import csv
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer
from yishi_contracts import COUNCIL, CommunitySettingsChanged, DivisionLevel, DivisionRegistered, DivisionRetired, Envelope

from yishi_contracts.settings import EffectiveSettings, Scheduled, Settings, effective_settings, lineage, own_as_of

from services.kit.binding import to_kafka
from services.kit.registry import CommunityNames
from services.kit.settings import KafkaSettings
from tests.support.eventually import eventually

HANGZHOU = Path(__file__).resolve().parents[1] / "data" / "hangzhou.csv"
QINGBOMEN, LAODONGLU = "330102001051", "330102001052"
"""The dev realm's communities: 清波门社区 and 劳动路社区 of 清波街道, 上城区."""
REGISTERED_AT = datetime(2026, 1, 1, tzinfo=UTC)
FALLBACK = {DivisionLevel.district: "测试区", DivisionLevel.street: "测试街道", DivisionLevel.community: "测试社区"}


@cache
def _hangzhou() -> dict[str, str]:
    with HANGZHOU.open(encoding="utf-8") as f:
        return {row["code"]: row["name"] for row in csv.DictReader(f)}


def level_of(code: str) -> DivisionLevel:
    if code[6:] == "000000":
        return DivisionLevel.district
    return DivisionLevel.street if code[9:] == "000" else DivisionLevel.community


def name_of(code: str) -> str:
    level = level_of(code)
    own = {DivisionLevel.district: code[4:6], DivisionLevel.street: code[6:9], DivisionLevel.community: code[9:]}
    return _hangzhou().get(code) or f"{FALLBACK[level]}{own[level]}"


def _parent(code: str) -> str:
    level = level_of(code)
    if level is DivisionLevel.district:
        return code[:4] + "0" * 8
    return code[:6] + "0" * 6 if level is DivisionLevel.street else code[:9] + "000"


def lineages(codes: Iterable[str]) -> list[str]:
    """The codes with their districts and streets, each once, those above first."""
    chain = {above: level for code in codes for level, above in lineage(code)}
    order = [DivisionLevel.district, DivisionLevel.street, DivisionLevel.community]
    return sorted(chain, key=lambda c: (order.index(chain[c]), c))


def registrations(codes: Iterable[str]) -> list[DivisionRegistered]:
    return [
        DivisionRegistered(community_id=code, code=code, level=level_of(code), name=name_of(code),
                           parent_code=_parent(code), registered_at=REGISTERED_AT, registered_by="test-seed")
        for code in lineages(codes)
    ]


async def wait_until_known(database_urls: Sequence[str], codes: Iterable[str], *, timeout: float = 60) -> None:
    """Until every database's replica has every code (and its street and district)."""
    wanted = set(lineages(codes))
    for url in database_urls:
        async def known(url: str = url) -> set[str]:
            conn = await asyncpg.connect(url)
            try:
                rows = await conn.fetch("SELECT code FROM registry_divisions WHERE code = ANY($1) AND level IS NOT NULL",
                                        list(wanted))
            finally:
                await conn.close()
            return {r["code"] for r in rows}

        await eventually(known, lambda found: wanted <= found, timeout=timeout, what=f"{sorted(wanted)} registered")


async def produce(kafka: KafkaSettings, events: Sequence[object], *, source: str = COUNCIL.source) -> None:
    """Council's events onto the test's council topic, keyed by code as council publishes them."""
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for event in events:
            record = to_kafka(Envelope.wrap(event, source=source))
            await producer.send_and_wait(kafka.topic(COUNCIL.topic), record.value, key=record.key,
                                         headers=record.headers)
    finally:
        await producer.stop()


async def seed_registry(kafka: KafkaSettings, codes: Iterable[str], *, databases: Sequence[str] = ()) -> None:
    """Register ``codes`` (with their streets and districts) and wait until ``databases`` know them."""
    codes = list(codes)
    await produce(kafka, registrations(codes))
    await wait_until_known(databases, codes)


async def retire(kafka: KafkaSettings, code: str, *, at: datetime | None = None) -> None:
    await produce(kafka, [DivisionRetired(community_id=code, code=code, reason="撤并", retired_by="test-seed",
                                          retired_at=at or datetime.now(UTC))])


async def seed_through_council(council_url: str, headers: dict[str, str], codes: Iterable[str], *,
                               databases: Sequence[str] = ()) -> None:
    """Register ``codes`` through a running council (a city_office token in ``headers``); what is
    registered already (409) is left as it is."""
    codes = list(codes)
    async with httpx.AsyncClient(base_url=council_url, headers=headers, timeout=30) as client:
        for event in registrations(codes):
            answer = await client.post("/divisions", json={"code": event.code, "name": event.name})
            if answer.status_code not in (201, 409):
                raise AssertionError(f"registering {event.code}: {answer.status_code} {answer.text}")
    await wait_until_known(databases, codes)


class MemoryRegistry:
    """The registry's replica in memory, for unit tests' fake views."""

    def __init__(self, codes: Iterable[str] = ()) -> None:
        self.divisions: dict[str, DivisionRegistered] = {}
        self.retired: set[str] = set()
        self.settings: dict[str, list[Scheduled]] = {}
        for event in registrations(codes):
            self.apply(event)

    def apply(self, event: object) -> None:
        if isinstance(event, DivisionRegistered):
            self.divisions[event.code] = event
        elif isinstance(event, DivisionRetired):
            self.retired.add(event.code)
        elif isinstance(event, CommunitySettingsChanged):
            self.settings.setdefault(event.code, []).append(Scheduled(event.effective_from, Settings.of(event)))

    def set(self, code: str, effective_from: datetime, **values: object) -> None:
        """A division's own settings from ``effective_from`` on, as council would publish them."""
        self.apply(CommunitySettingsChanged(community_id=code, code=code, level=level_of(code),
                                            effective_from=effective_from, changed_by="test", **values))

    def effective_at(self, code: str, at: datetime) -> EffectiveSettings:
        return effective_settings(code, {c: own_as_of(changes, at) for c, changes in self.settings.items()})

    def names(self, code: str) -> CommunityNames:
        def name(c: str) -> str | None:
            kept = self.divisions.get(c)
            return kept.name if kept else None

        own = self.divisions.get(code)
        return CommunityNames(
            code=code, name=name(code), street=name(code[:9] + "000") if code[9:] != "000" else None,
            district=name(code[:6] + "000000") if code[6:] != "000000" else None,
            level=str(own.level) if own else None, active=own is not None and code not in self.retired,
        )


async def seed_runtime(runtime: object, codes: Iterable[str]) -> None:
    """``seed_registry`` for one running service (its settings' topic prefix and database)."""
    settings = runtime.settings  # type: ignore[attr-defined]
    await seed_registry(settings.kafka, codes, databases=[settings.database_url])
