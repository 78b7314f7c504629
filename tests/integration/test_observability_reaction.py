"""Events a reaction records continue the trace of the event that caused them, on real Kafka
and PostgreSQL: the caused public event carries the cause's trace id on the wire
(``ce_traceparent``), and a private event keeps it in the event store.

No exporter is configured in this process, which is the default: the trace context an event
brings is still passed on, so a trace stays whole across a service that does not export."""

from dataclasses import dataclass
from uuid import UUID, uuid4

import asyncpg
from aiokafka import AIOKafkaProducer
from yishi_contracts import COUNCIL, INTAKE, Accepted, Envelope, TopicScreened, TopicSubmitted

from services.kit import tracing
from services.kit.binding import from_kafka, to_kafka
from services.kit.db import connect
from services.kit.commands import Change, Context
from services.kit.projection import Projection
from services.kit.runtime import ServiceRuntime
from services.kit.streams import EventCodec
from tests.support.eventually import eventually
from tests.support.kafka_reading import read_all
from tests.unit.factories import submitted


@dataclass(frozen=True)
class Noted:
    """A private step the reaction records beside its public event."""

    topic_id: UUID


def screening_on_submission(runtime: ServiceRuntime) -> Projection:
    view = Projection("auto_screening", tables=[], topics=[INTAKE.topic])

    @view.reacts_to(TopicSubmitted)
    async def react_to_topic_submitted(conn: asyncpg.Connection, envelope: Envelope[TopicSubmitted]) -> None:
        e = envelope.data

        def screen(_: object, ctx: Context[None]) -> list[object]:
            decision = TopicScreened(
                topic_id=e.topic_id, community_id=e.community_id, council_id=e.topic_id,
                decision=Accepted(category="environment"), screened_by="auto", screened_at=ctx.now,
            )
            return [Noted(e.topic_id), decision]

        change = Change(f"screening:{e.topic_id}", fold=len, decide=screen, community=e.community_id)
        await runtime.commands.execute_in(runtime.on(conn), change, cause=envelope)

    return view


async def test_a_reaction_records_its_events_in_the_trace_of_their_cause(infra, make_database, settings_for) -> None:
    assert not tracing.enabled(), "this process exports no traces: the pass-through is what is tested"
    url = make_database("council")
    runtime = ServiceRuntime(settings_for("council", url), stream=COUNCIL, projection=screening_on_submission,
                             codec=EventCodec("council", [Noted]))
    trace_id, span_id = uuid4().hex, uuid4().hex[:16]
    cause = Envelope.wrap(submitted(), source=INTAKE.source).model_copy(
        update={"traceparent": f"00-{trace_id}-{span_id}-01", "tracestate": "yishi=1"}
    )
    await runtime.start()
    producer = AIOKafkaProducer(bootstrap_servers=infra.bootstrap_servers)
    await producer.start()
    conn = await connect(url)
    try:
        record = to_kafka(cause)
        assert dict(record.headers)["ce_traceparent"] == cause.traceparent.encode()
        await producer.send_and_wait(runtime.settings.kafka.topic(INTAKE.topic), record.value, key=record.key,
                                     headers=record.headers)

        async def caused() -> list[Envelope]:
            return [from_kafka(r.headers, r.key, r.value) for r in await read_all(infra.bootstrap_servers, runtime.topic)]

        (screened,) = await eventually(caused, lambda found: len(found) == 1, what="the reaction's event on Kafka")
        assert screened.causationid == cause.id and screened.correlationid == cause.correlationid
        assert screened.traceparent.split("-")[1] == trace_id and screened.tracestate == "yishi=1"
        private = await conn.fetchval(
            "SELECT envelope FROM event_store WHERE event_type = 'council.Noted.v1' AND causation_id = $1", cause.id
        )
        assert private["traceparent"].split("-")[1] == trace_id, "a private event keeps the trace context too"
    finally:
        await conn.close()
        await producer.stop()
        await runtime.stop()
