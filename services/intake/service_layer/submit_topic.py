"""Use case: take a topic in. The submission row, the event and its outbox row commit together.

``topic`` is the Kafka topic the event goes to (the service's stream, with any deployment prefix).
"""

from dataclasses import dataclass

import asyncpg
from yishi_contracts import INTAKE, Envelope, TopicSubmitted

from services.kit import eventstore
from services.kit.clock import Clock
from services.kit.projection import apply_once

from ..adapters import submissions
from ..domain.receipt import new_receipt_code
from ..domain.submission import SubmitTopic, submit
from ..projection import progress


@dataclass(frozen=True)
class Receipt:
    topic_id: str
    receipt_code: str
    replayed: bool = False


async def submit_topic(
    pool: asyncpg.Pool,
    command: SubmitTopic,
    *,
    topic: str,
    clock: Clock,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    idempotency_key: str | None = None,
) -> Receipt:
    event = submit(command, now=clock.now())
    envelope = Envelope.wrap(event, source=INTAKE.source, time=event.submitted_at)
    for _attempt in range(3):
        try:
            return await _record(pool, topic, event, envelope, contact_name, contact_phone, idempotency_key)
        except asyncpg.UniqueViolationError:
            # The same idempotency key raced in from a double tap, or (once in 2^50) a receipt
            # code collided: look again, and the retry either replays or draws a new code.
            continue
    raise RuntimeError("could not record the submission after 3 attempts")


async def _record(
    pool: asyncpg.Pool,
    topic: str,
    event: TopicSubmitted,
    envelope: Envelope[TopicSubmitted],
    contact_name: str | None,
    contact_phone: str | None,
    idempotency_key: str | None,
) -> Receipt:
    async with pool.acquire() as conn, conn.transaction():
        if idempotency_key and (earlier := await submissions.find_by_idempotency_key(conn, idempotency_key)):
            return Receipt(str(earlier["topic_id"]), earlier["receipt_code"], replayed=True)
        receipt_code = new_receipt_code()
        await submissions.insert(
            conn,
            event,
            receipt_code=receipt_code,
            contact_name=contact_name,
            contact_phone=contact_phone,
            idempotency_key=idempotency_key,
        )
        await eventstore.append(
            conn, stream_id=str(event.topic_id), expected_version=0, envelopes=[envelope], topic=topic
        )
        await apply_once(conn, progress, [envelope], service="intake")
    return Receipt(str(event.topic_id), receipt_code)
