"""Use cases of disclosure (公开公示): publish a resolution, objections, their assessment, the period's end.

A disclosure is one stream per resolution (``disclosure:<resolution_id>``), so a topic sent
back to the council and resolved again gets a fresh disclosure.
"""

import logging
from typing import Any
from uuid import UUID

import asyncpg
import yishi_contracts as c
from yishi_contracts import Envelope

from services.kit.auth import Actor
from services.kit.eventstore import ConcurrencyConflict

from .. import domain as d
from ..adapters import board
from .common import PublicationConfig, disclosure_stream, implementation_stream, load_private, not_found, refusal

log = logging.getLogger(__name__)


async def start_disclosure(runtime: Any, conn: asyncpg.Connection, envelope: Envelope[c.ResolutionAdopted],
                           config: PublicationConfig) -> None:
    """Reaction to ResolutionAdopted: the resolution goes on the board for the disclosure period."""
    resolution = envelope.data
    stream = disclosure_stream(resolution.resolution_id)
    _, version = await load_private(runtime, conn, stream)
    if version:
        return  # already published (the same resolution delivered under another event id)
    # A resolution stamped a little ahead of this service's clock is published at its adoption time.
    now = max(runtime.clock.now(), resolution.adopted_at)
    started = d.publish(resolution, now=now, policy=config.disclosure)
    public = c.DisclosureStarted(
        topic_id=started.topic_id, community_id=started.community_id, resolution_id=started.resolution_id,
        published_at=started.published_at, ends_at=started.ends_at,
    )
    await runtime.record(conn, stream_id=stream, expected_version=0, events=[started, public],
                         community_id=resolution.community_id, cause=envelope)


async def _current(runtime: Any, conn: asyncpg.Connection, topic_id: UUID) -> tuple[d.Disclosure, int]:
    resolution_id = await board.current_disclosure(conn, topic_id)
    if resolution_id is None:
        raise not_found("该议题的公示", "disclosure of this topic")
    events, version = await load_private(runtime, conn, disclosure_stream(resolution_id))
    return d.Disclosure.replay(events), version


async def raise_objection(runtime: Any, topic_id: UUID, text: str) -> d.ObjectionRaised:
    """A resident objects during the period; text only, no name or contact."""
    async with runtime.pool.acquire() as conn, conn.transaction():
        disclosure, version = await _current(runtime, conn, topic_id)
        try:
            raised = disclosure.object(text, now=runtime.clock.now())
        except d.PublicationRefused as exc:
            raise refusal(exc) from None
        await runtime.record(conn, stream_id=disclosure_stream(disclosure.resolution_id), expected_version=version,
                             events=[raised], community_id=disclosure.community_id)
        return raised


async def assess_objection(runtime: Any, actor: Actor, topic_id: UUID, objection_id: UUID, *,
                           substantive: bool, reason: str) -> list[Envelope[Any]]:
    """Staff mark an objection substantive or not; a substantive one sends the topic back to the council."""
    async with runtime.pool.acquire() as conn, conn.transaction():
        disclosure, version = await _current(runtime, conn, topic_id)
        actor.ensure_community(disclosure.community_id)
        try:
            events: list[object] = list(disclosure.assess(
                objection_id, substantive=substantive, reason=reason, assessed_by=actor.id, now=runtime.clock.now()
            ))
        except d.PublicationRefused as exc:
            raise refusal(exc) from None
        assessed = events[0]
        returned = next((e for e in events if isinstance(e, d.DisclosureReturnedToCouncil)), None)
        if returned is not None:
            objection = next(o for o in disclosure.objections if o.objection_id == objection_id)
            events.append(c.TopicReturnedToCouncil(
                topic_id=topic_id, community_id=disclosure.community_id, resolution_id=disclosure.resolution_id,
                objection=objection.text, assessment=assessed.reason, returned_at=returned.returned_at,
            ))
        return await runtime.record(conn, stream_id=disclosure_stream(disclosure.resolution_id),
                                    expected_version=version, events=events, community_id=disclosure.community_id)


async def conclude_due(runtime: Any) -> int:
    """Periodic duty: every disclosure whose period has ended with no objection pending is concluded
    and its implementation starts (round 1, one task per measure). Returns how many started."""
    now = runtime.clock.now()
    async with runtime.pool.acquire() as conn:
        due = await board.disclosures_due(conn, now)
    started = 0
    for resolution_id in due:
        try:
            async with runtime.pool.acquire() as conn, conn.transaction():
                started += await _conclude(runtime, conn, resolution_id, now)
        except (d.PublicationRefused, ConcurrencyConflict) as exc:
            log.info("disclosure %s not concluded this round: %s", resolution_id, exc)
    return started


async def _conclude(runtime: Any, conn: asyncpg.Connection, resolution_id: UUID, now: Any) -> int:
    events, version = await load_private(runtime, conn, disclosure_stream(resolution_id))
    disclosure = d.Disclosure.replay(events)
    if disclosure.outcome is not None or disclosure.pending_objections or now < disclosure.ends_at:
        return 0
    concluded = disclosure.conclude(now=now)
    first = d.start(disclosure.apply(concluded), now=now)
    public = c.ImplementationStarted(
        topic_id=first.topic_id, community_id=first.community_id, round=1, started_at=first.started_at,
        tasks=[public_task(spec) for spec in first.tasks],
    )
    await runtime.record(conn, stream_id=disclosure_stream(resolution_id), expected_version=version,
                         events=[concluded], community_id=disclosure.community_id)
    await runtime.record(conn, stream_id=implementation_stream(first.topic_id), expected_version=0,
                         events=[first, public], community_id=first.community_id)
    return 1


def public_task(spec: d.TaskSpec) -> c.ImplementationTask:
    return c.ImplementationTask(task_id=spec.task_id, description=spec.description,
                                responsible_party=spec.responsible_party, deadline=spec.deadline)


async def disclosure_of(runtime: Any, conn: asyncpg.Connection, topic_id: UUID) -> d.Disclosure | None:
    resolution_id = await board.current_disclosure(conn, topic_id)
    if resolution_id is None:
        return None
    events, _ = await load_private(runtime, conn, disclosure_stream(resolution_id))
    return d.Disclosure.replay(events) if events else None
