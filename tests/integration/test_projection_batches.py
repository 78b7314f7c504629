"""Projections in batches, on real PostgreSQL: a batch of events leaves every service's views as
applying them one at a time does, whatever order they come in; each event is applied once, and
reactions still act once per event.

Before batches every handler ran once per event; these pin down that writing a batch's
events of one kind with one statement changed nothing but the speed."""

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import permutations
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from prometheus_client import REGISTRY
from yishi_contracts import (
    COUNCIL,
    INTAKE,
    MEETING,
    PUBLICATION,
    DisclosureStarted,
    Envelope,
    ImplementationCompleted,
    ImplementationStarted,
    ImplementationTask,
    MeetingScheduled,
    Returned,
    TopicResubmitted,
    TopicScreened,
    TopicSubmitted,
)

from services.kit.db import connect
from services.kit.projection import Projection, apply_once
from services.kit.upsert import STAGED_FROM
from services.system.catalog import app_module
from tests.unit.factories import COMMUNITY, adopted, researched, screened, submitted

T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)
SERVICES = ("intake", "council", "meeting", "publication")


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def wrap(event: Any, source: str, at: datetime) -> Envelope[Any]:
    return Envelope.wrap(event, source=source, time=at)


async def rows(conn: asyncpg.Connection, projection: Projection) -> dict[str, list[str]]:
    """Every row of the projection's tables, as text, in a stable order."""
    return {
        table: [r["row"] for r in await conn.fetch(f"SELECT to_jsonb(t)::text AS row FROM {table} t ORDER BY 1")]
        for table in projection.tables
    }


async def reset(conn: asyncpg.Connection, projection: Projection) -> None:
    await conn.execute(f"TRUNCATE {', '.join((*projection.tables, 'processed_events'))}")


async def one_by_one(conn: asyncpg.Connection, projection: Projection, events: list[Envelope[Any]]) -> dict:
    await reset(conn, projection)
    for envelope in events:
        async with conn.transaction():
            await apply_once(conn, projection, [envelope], service="test", reactions=False)
    return await rows(conn, projection)


async def in_one_batch(conn: asyncpg.Connection, projection: Projection, events: list[Envelope[Any]]) -> dict:
    await reset(conn, projection)
    async with conn.transaction():
        await apply_once(conn, projection, events, service="test", reactions=False)
    return await rows(conn, projection)


@pytest.fixture
def projection_of(make_database, settings_for) -> Callable[[str], tuple[str, Projection]]:
    def make(service: str) -> tuple[str, Projection]:
        url = make_database(service)
        runtime = app_module(service).build_runtime(settings_for(service, url))
        assert runtime.projection is not None
        return url, runtime.projection

    return make


def submitted_screened_resubmitted(topic: UUID) -> list[Envelope[Any]]:
    asked = Returned(details_requested="请补充具体位置和涉及的人数")
    return [
        wrap(submitted(topic, submitted_at=day(0)), INTAKE.source, day(0)),
        wrap(screened(topic, decision=asked).model_copy(update={"screened_at": day(1)}), COUNCIL.source, day(1)),
        resubmitted(topic, day(2)),
    ]


def resubmitted(topic: UUID, at: datetime) -> Envelope[Any]:
    return wrap(TopicResubmitted(topic_id=topic, community_id=COMMUNITY, details=f"中山街12号门口，{at:%d}日补充",
                                 resubmitted_at=at), INTAKE.source, at)


@pytest.mark.parametrize("service", SERVICES)
async def test_submitted_screened_resubmitted_in_one_batch_in_any_order_give_the_rows_one_by_one_gives(
    service, projection_of
) -> None:
    url, projection = projection_of(service)
    topic = uuid4()
    life = submitted_screened_resubmitted(topic)
    conn = await connect(url)
    try:
        expected = await one_by_one(conn, projection, life)
        assert any(expected.values()), f"{service} kept nothing of the topic"
        for order in permutations(life):
            assert await in_one_batch(conn, projection, list(order)) == expected, [e.type for e in order]
            assert await one_by_one(conn, projection, list(order)) == expected, "one by one, in any order"
        again = [life[1], *life, life[0]]  # the same events twice in one batch are applied once
        assert await in_one_batch(conn, projection, again) == expected
        # A later step of the same kind for the same row in the batch, before or after the earlier one:
        for order in permutations([*life, resubmitted(topic, day(2.5))]):
            assert await in_one_batch(conn, projection, list(order)) == await one_by_one(conn, projection, list(order))
    finally:
        await conn.close()


def whole_life(topic: UUID, other: UUID) -> dict[str, list[Envelope[Any]]]:
    """Two topics' events, in each Kafka topic's own order: a topic screened twice (returned,
    then accepted after its resubmission), one meeting for both, a resolution, its disclosure
    and implementation."""
    resolution = adopted(topic).model_copy(update={"adopted_at": day(6)})
    task = ImplementationTask(task_id=uuid4(), description="改造闲置用房", responsible_party="社区居委会",
                              deadline=day(40).date())
    returned = screened(topic, decision=Returned(details_requested="请补充具体位置"))
    return {
        INTAKE.source: [
            wrap(submitted(topic, submitted_at=day(0)), INTAKE.source, day(0)),
            wrap(submitted(other, submitted_at=day(0.5), title="井冲路停车难"), INTAKE.source, day(0.5)),
            resubmitted(topic, day(2)),
        ],
        COUNCIL.source: [
            wrap(returned.model_copy(update={"screened_at": day(1)}), COUNCIL.source, day(1)),
            wrap(screened(other).model_copy(update={"screened_at": day(1.5)}), COUNCIL.source, day(1.5)),
            wrap(screened(topic).model_copy(update={"screened_at": day(3)}), COUNCIL.source, day(3)),
            wrap(researched(topic).model_copy(update={"completed_at": day(4)}), COUNCIL.source, day(4)),
        ],
        MEETING.source: [
            wrap(MeetingScheduled(meeting_id=uuid4(), community_id=COMMUNITY, council_id=uuid4(), scheduled_for=day(6),
                                  place="社区议事厅", topic_ids=[topic, other]), MEETING.source, day(5)),
            wrap(resolution, MEETING.source, day(6)),
        ],
        PUBLICATION.source: [
            wrap(DisclosureStarted(topic_id=topic, community_id=COMMUNITY, resolution_id=resolution.resolution_id,
                                   published_at=day(6.1), ends_at=day(13)), PUBLICATION.source, day(6.1)),
            wrap(ImplementationStarted(topic_id=topic, community_id=COMMUNITY, round=1, tasks=[task],
                                       started_at=day(14)), PUBLICATION.source, day(14)),
            wrap(ImplementationCompleted(topic_id=topic, community_id=COMMUNITY, round=1, on_time=True,
                                         completed_at=day(30)), PUBLICATION.source, day(30)),
        ],
    }


def interleaved(streams: dict[str, list[Envelope[Any]]], rng: random.Random) -> list[Envelope[Any]]:
    """One arrival order: the Kafka topics' events mixed, each topic's own order kept."""
    queues = [list(events) for events in streams.values()]
    arrived = []
    while any(queues):
        queue = rng.choice([q for q in queues if q])
        arrived.append(queue.pop(0))
    return arrived


@pytest.mark.parametrize("service", SERVICES)
async def test_a_whole_life_in_batches_of_any_size_gives_the_rows_one_by_one_gives(service, projection_of) -> None:
    url, projection = projection_of(service)
    rng = random.Random(7)
    streams = whole_life(uuid4(), uuid4())
    conn = await connect(url)
    try:
        for _ in range(6):
            arrived = interleaved(streams, rng)
            expected = await one_by_one(conn, projection, arrived)
            assert await in_one_batch(conn, projection, arrived) == expected, [e.type for e in arrived]
            await reset(conn, projection)
            cut = sorted(rng.sample(range(1, len(arrived)), 3))
            for start, end in zip([0, *cut], [*cut, len(arrived)], strict=True):
                async with conn.transaction():
                    await apply_once(conn, projection, arrived[start:end], service="test", reactions=False)
            assert await rows(conn, projection) == expected, f"in batches cut at {cut}"
    finally:
        await conn.close()


def recording(calls: list[tuple[str, Any]]) -> Projection:
    view = Projection("recording", tables=[], topics=[INTAKE.topic, COUNCIL.topic])

    @view.on_batch(TopicSubmitted, TopicResubmitted)
    async def on_topic_submitted(conn: asyncpg.Connection, envelopes: list[Envelope[Any]]) -> None:
        calls.append(("batch", [e.id for e in envelopes]))

    @view.on(TopicScreened)
    async def on_topic_screened(conn: asyncpg.Connection, envelope: Envelope[TopicScreened]) -> None:
        calls.append(("one", envelope.id))

    @view.reacts_to(TopicSubmitted)
    async def react_to_topic_submitted(conn: asyncpg.Connection, envelope: Envelope[TopicSubmitted]) -> None:
        calls.append(("react", envelope.id))

    return view


def _counted(service: str, event_type: str, outcome: str) -> float:
    labels = {"service": service, "type": event_type, "outcome": outcome}
    return REGISTRY.get_sample_value("yishi_events_handled_total", labels) or 0.0


async def test_a_batch_handler_gets_its_events_at_once_then_per_event_views_then_reactions_each_once(
    make_database,
) -> None:
    calls: list[tuple[str, Any]] = []
    view = recording(calls)
    a, b, seen_before = (wrap(submitted(), INTAKE.source, day(n)) for n in range(3))
    resubmitted = wrap(TopicResubmitted(topic_id=a.data.topic_id, community_id=COMMUNITY, details="补充说明：中山街12号门口约20人",
                                        resubmitted_at=day(3)), INTAKE.source, day(3))
    first, second = (wrap(screened(uuid4()), COUNCIL.source, day(4)) for _ in range(2))
    service = f"batches-{uuid4().hex[:6]}"
    conn = await connect(make_database("intake"))
    try:
        async with conn.transaction():
            await apply_once(conn, view, [seen_before], service=service)
        calls.clear()
        async with conn.transaction():
            applied = await apply_once(conn, view, [first, a, seen_before, resubmitted, second, a, b], service=service)
    finally:
        await conn.close()
    assert applied == 5, "a, resubmitted, b and the two screenings: seen_before was applied before, a is there twice"
    assert calls == [
        ("batch", [a.id, resubmitted.id, b.id]),  # one call for both kinds, in batch order, a once
        ("one", first.id), ("one", second.id),  # per-event views after the batches, in order
        ("react", a.id), ("react", b.id),  # reactions last, one event at a time
    ]
    assert _counted(service, a.type, "applied") == 3, "seen_before in the first batch, a and b in the second"
    assert _counted(service, a.type, "duplicate") == 2, "seen_before again, and a's second copy"
    assert _counted(service, first.type, "applied") == 2
    durations = REGISTRY.get_sample_value("yishi_event_handler_duration_seconds_count",
                                          {"service": service, "type": a.type})
    assert durations == 3, "one duration per event applied: two in this batch, one in the first"


def test_a_view_handles_each_event_type_in_one_way_only() -> None:
    view = recording([])

    with pytest.raises(ValueError, match="already has a view handler for TopicScreened"):
        view.on_batch(TopicScreened)(lambda conn, envelopes: None)  # type: ignore[arg-type, return-value]


async def test_a_large_batch_is_marked_seen_by_copy_and_still_applies_each_event_once(make_database) -> None:
    """From STAGED_FROM events the ids go through COPY: the first copy of an event in the batch
    is applied, its second copy and the events of an earlier batch are not."""
    calls: list[tuple[str, Any]] = []
    view = recording(calls)
    earlier = [wrap(submitted(), INTAKE.source, day(0)) for _ in range(3)]
    fresh = [wrap(submitted(), INTAKE.source, day(1)) for _ in range(STAGED_FROM)]
    batch = [*fresh[:50], earlier[1], fresh[10], *fresh[50:], earlier[0]]
    service = f"batches-{uuid4().hex[:6]}"
    conn = await connect(make_database("intake"))
    try:
        async with conn.transaction():
            await apply_once(conn, view, earlier, service=service, reactions=False)
        calls.clear()
        async with conn.transaction():
            applied = await apply_once(conn, view, batch, service=service, reactions=False)
        marked = await conn.fetchval("SELECT count(*) FROM processed_events")
    finally:
        await conn.close()
    assert applied == STAGED_FROM
    assert calls == [("batch", [e.id for e in fresh])], "each new event once, in the order first seen"
    assert marked == STAGED_FROM + len(earlier)
    assert _counted(service, fresh[0].type, "duplicate") == 3
