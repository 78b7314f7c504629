"""Reactions act once per event, never again on redelivery or rebuild; a change recorded in the
consumer's transaction stores private and public events, publishes the public ones and
applies them at once."""

from dataclasses import dataclass
from uuid import UUID

import asyncpg
from yishi_contracts import COUNCIL, INTAKE, Accepted, Envelope, TopicScreened, TopicSubmitted

from services.kit.binding import from_kafka, to_kafka
from services.kit.commands import Change, Context
from services.kit.db import connect
from services.kit.projection import Projection
from services.kit.rebuild import rebuild
from services.kit.runtime import ServiceRuntime
from services.kit.streams import EventCodec
from tests.support.eventually import eventually
from tests.support.kafka_reading import read_all
from tests.unit.factories import submitted


@dataclass(frozen=True)
class Noted:
    """A private step: the council noted a submission."""

    topic_id: UUID
    title: str


def build(runtime: ServiceRuntime) -> Projection:
    view = Projection("noted", tables=["seen"], topics=[INTAKE.topic, COUNCIL.topic])

    @view.on(TopicSubmitted)
    async def on_topic_submitted(conn: asyncpg.Connection, envelope) -> None:
        await conn.execute("INSERT INTO seen VALUES ($1, 'submitted') ON CONFLICT DO NOTHING", envelope.data.topic_id)

    @view.on(TopicScreened)  # the two topics replay in any order: an upsert, never an UPDATE
    async def on_topic_screened(conn: asyncpg.Connection, envelope) -> None:
        await conn.execute(
            "INSERT INTO seen VALUES ($1, 'screened') ON CONFLICT (topic_id) DO UPDATE SET state = 'screened'",
            envelope.data.topic_id,
        )

    @view.reacts_to(TopicSubmitted)
    async def react_to_topic_submitted(conn: asyncpg.Connection, envelope) -> None:
        e = envelope.data

        def accept(_: object, ctx: Context[None]) -> list[object]:
            decision = TopicScreened(
                topic_id=e.topic_id, community_id=e.community_id, council_id=e.topic_id,
                decision=Accepted(category="environment"), screened_by="auto", screened_at=ctx.now,
            )
            return [Noted(e.topic_id, e.title), decision]

        change = Change(f"topic:{e.topic_id}", fold=len, decide=accept, community=e.community_id)
        await runtime.commands.execute_in(runtime.on(conn), change, cause=envelope)

    return view


async def test_reaction_acts_once_and_rebuild_does_not_repeat_it(infra, make_database, settings_for) -> None:
    url = make_database("council")
    conn = await connect(url)
    await conn.execute("CREATE TABLE seen (topic_id uuid PRIMARY KEY, state text NOT NULL)")
    runtime = ServiceRuntime(
        settings_for("council", url), stream=COUNCIL, projection=build, codec=EventCodec("council", [Noted])
    )
    await runtime.start()
    try:
        from aiokafka import AIOKafkaProducer

        producer = AIOKafkaProducer(bootstrap_servers=infra.bootstrap_servers)
        await producer.start()
        event = submitted()
        record = to_kafka(Envelope.wrap(event, source="/yishi/intake"))
        for _ in range(2):  # delivered twice
            await producer.send_and_wait(runtime.settings.kafka.topic(INTAKE.topic), record.value, key=record.key, headers=record.headers)
        await producer.stop()

        state = lambda: conn.fetchval("SELECT state FROM seen WHERE topic_id = $1", event.topic_id)  # noqa: E731
        await eventually(state, lambda s: s == "screened", what="reaction recorded and applied inline")
        stored = await conn.fetch("SELECT event_type, envelope FROM event_store ORDER BY position")
        assert [r["event_type"] for r in stored] == ["council.Noted.v1", "yishi.TopicScreened.v1"]
        assert stored[0]["envelope"]["private"] is True and stored[0]["envelope"]["data"]["title"] == event.title
        assert stored[1]["envelope"]["causationid"] == str(record_id(record))

        published = await eventually(
            lambda: read_all(infra.bootstrap_servers, runtime.topic), lambda r: len(r) == 1, what="public event out"
        )
        assert isinstance(from_kafka(published[0].headers, published[0].key, published[0].value).data, TopicScreened)

        report = await rebuild(
            service="council", projection=runtime.projection, database_url=url,
            bootstrap_servers=infra.bootstrap_servers, topic_prefix=runtime.settings.kafka.topic_prefix,
        )
        assert report.events_applied == 2  # the submission (once) and the screening, from Kafka
        assert await state() == "screened"
        assert await conn.fetchval("SELECT count(*) FROM event_store") == 2, "the rebuild did not act again"
    finally:
        await conn.close()
        await runtime.stop()


def record_id(record) -> str:
    return dict(record.headers)["ce_id"].decode()


async def test_a_reaction_that_loses_a_concurrency_race_is_redelivered_not_dead_lettered(
    infra, make_database, settings_for
) -> None:
    from services.kit.eventstore import ConcurrencyConflict
    from yishi_contracts import dead_letter_topic

    url = make_database("council")
    conn = await connect(url)
    await conn.execute("CREATE TABLE reacted (topic_id uuid PRIMARY KEY, attempts int NOT NULL)")
    attempts = {"n": 0}

    def build_racing(runtime: ServiceRuntime) -> Projection:
        view = Projection("racing", tables=["reacted"], topics=[INTAKE.topic])

        @view.reacts_to(TopicSubmitted)
        async def _react(c: asyncpg.Connection, envelope) -> None:
            attempts["n"] += 1
            if attempts["n"] == 1:  # a command appended to the same stream first
                raise ConcurrencyConflict(str(envelope.data.topic_id), 0)
            await c.execute("INSERT INTO reacted VALUES ($1, $2)", envelope.data.topic_id, attempts["n"])

        return view

    runtime = ServiceRuntime(settings_for("council", url), stream=COUNCIL, projection=build_racing)
    await runtime.start()
    try:
        from aiokafka import AIOKafkaProducer

        producer = AIOKafkaProducer(bootstrap_servers=infra.bootstrap_servers)
        await producer.start()
        event = submitted()
        record = to_kafka(Envelope.wrap(event, source="/yishi/intake"))
        await producer.send_and_wait(runtime.settings.kafka.topic(INTAKE.topic), record.value, key=record.key, headers=record.headers)
        await producer.stop()

        done = lambda: conn.fetchval("SELECT attempts FROM reacted WHERE topic_id = $1", event.topic_id)  # noqa: E731
        assert await eventually(done, lambda n: n is not None, what="the reaction on its second delivery") == 2
        dlq = runtime.settings.kafka.topic(dead_letter_topic("council"))
        assert await read_all(infra.bootstrap_servers, dlq) == []
    finally:
        await conn.close()
        await runtime.stop()
