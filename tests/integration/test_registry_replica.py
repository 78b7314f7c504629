"""The kit's replica of the registry and the settings on a real PostgreSQL: the same rows from
the events in any order and batching, names with street and district, and what applies at a
time — the boundary at ``effective_from`` in China time."""

import random
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import asyncpg
import pytest
from yishi_contracts import COUNCIL, CommunitySettingsChanged, DivisionRenamed, DivisionRetired, Envelope

from services.kit import registry
from services.kit.projection import Projection, apply_once
from services.kit.refusal import CHINA_TIME
from tests.support.registry import LAODONGLU, QINGBOMEN, registrations

STREET, DISTRICT = QINGBOMEN[:9] + "000", QINGBOMEN[:6] + "000000"
MIDNIGHT = datetime(2026, 12, 2, tzinfo=CHINA_TIME)


def _events() -> list[Envelope]:
    at = datetime(2026, 3, 1, tzinfo=UTC)
    events = [
        *registrations([QINGBOMEN, LAODONGLU]),
        DivisionRenamed(community_id=LAODONGLU, code=LAODONGLU, name="劳动路新社区", previous_name="劳动路社区",
                        renamed_at=at, renamed_by="qb-street"),
        DivisionRenamed(community_id=LAODONGLU, code=LAODONGLU, name="劳动路社区", previous_name="劳动路新社区",
                        renamed_at=at + timedelta(days=1), renamed_by="qb-street"),
        DivisionRetired(community_id=LAODONGLU, code=LAODONGLU, reason="撤并", retired_at=at + timedelta(days=2),
                        retired_by="qb-street"),
        CommunitySettingsChanged(community_id=DISTRICT, code=DISTRICT, level="district", quorum="3/4",
                                 effective_from=at, changed_by="sc"),
        CommunitySettingsChanged(community_id=QINGBOMEN, code=QINGBOMEN, level="community", disclosure_days=5,
                                 effective_from=MIDNIGHT, changed_by="qbm-party"),
    ]
    return [Envelope.wrap(e, source=COUNCIL.source, time=at + timedelta(minutes=i)) for i, e in enumerate(events)]


def _projection() -> Projection:
    view = Projection("replica_under_test", tables=registry.TABLES, topics=[registry.TOPIC])
    registry.keep_registry(view)
    return view


async def _rows(conn: asyncpg.Connection) -> tuple[list, list]:
    return (await conn.fetch("SELECT * FROM registry_divisions ORDER BY code"),
            await conn.fetch("SELECT * FROM registry_settings ORDER BY event_id"))


@pytest.fixture
async def conn(make_database):
    connection = await asyncpg.connect(make_database("intake"))
    yield connection
    await connection.close()


async def _apply(conn: asyncpg.Connection, envelopes: list[Envelope], batch: int) -> None:
    await conn.execute("TRUNCATE registry_divisions, registry_settings, processed_events")
    view = _projection()
    for start in range(0, len(envelopes), batch):
        async with conn.transaction():
            await apply_once(conn, view, envelopes[start:start + batch], service="test", reactions=False)


async def test_any_order_and_batching_leaves_the_same_replica(conn) -> None:
    envelopes = _events()
    await _apply(conn, envelopes, len(envelopes))
    expected = await _rows(conn)
    shuffled = random.Random(7)
    for batch in (1, 3, len(envelopes)):
        for _ in range(3):
            order = envelopes[:]
            shuffled.shuffle(order)
            await _apply(conn, order + order[:2], batch)  # and some delivered twice
            assert await _rows(conn) == expected, (batch, [type(e.data).__name__ for e in order])


async def test_names_with_street_and_district_and_whether_active(conn) -> None:
    await _apply(conn, _events(), 4)
    names = await registry.names_of(conn, [QINGBOMEN, LAODONGLU, "330102001099"])
    assert names[QINGBOMEN].path == "清波门社区 · 清波街道 · 上城区" and names[QINGBOMEN].active
    assert (names[LAODONGLU].name, names[LAODONGLU].active) == ("劳动路社区", False)
    unknown = names["330102001099"]
    assert not unknown.registered and not unknown.active and unknown.street == "清波街道"


async def test_a_setting_applies_from_effective_from_on_china_midnight(conn) -> None:
    await _apply(conn, _events(), 2)
    before = await registry.effective_at(conn, QINGBOMEN, MIDNIGHT - timedelta(microseconds=1))
    at = await registry.effective_at(conn, QINGBOMEN, MIDNIGHT)
    assert (before.disclosure_days.value, before.disclosure_days.source) == (7, "city")
    assert (at.disclosure_days.value, at.disclosure_days.source, at.disclosure_days.code) == (5, "community", QINGBOMEN)
    assert MIDNIGHT.astimezone(UTC) == datetime(2026, 12, 1, 16, tzinfo=UTC)
    neighbour = await registry.effective_at(conn, LAODONGLU, MIDNIGHT)
    assert neighbour.disclosure_days.value == 7 and neighbour.quorum.value == Fraction(3, 4)
    assert (neighbour.quorum.source, neighbour.adoption.source) == ("district", "city")
