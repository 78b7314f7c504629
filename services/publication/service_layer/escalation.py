"""Use cases of results conversion (成果转化): grounds for escalation, and escalating to the county CPPCC."""

from typing import Any
from uuid import UUID

import asyncpg
import yishi_contracts as c
from yishi_contracts import Envelope, ExclusionReason, Rejected

from services.kit.auth import Actor

from .. import domain as d
from ..adapters import board
from .common import escalation_stream, load_private, not_found, refusal


async def ground_from_screening(runtime: Any, conn: asyncpg.Connection, envelope: Envelope[c.TopicScreened]) -> None:
    """Reaction to TopicScreened: a rejection as beyond_authority becomes a ground staff may escalate on."""
    screened = envelope.data
    decision = screened.decision
    if not isinstance(decision, Rejected) or decision.reason != ExclusionReason.beyond_authority:
        return
    stream = escalation_stream(screened.topic_id)
    events, version = await load_private(runtime, conn, stream)
    if d.Escalation.replay(screened.topic_id, screened.community_id, events).ground is not None:
        return
    await runtime.record(conn, stream_id=stream, expected_version=version, events=[d.ground_from_screening(screened)],
                         community_id=screened.community_id, cause=envelope)


async def escalate(runtime: Any, actor: Actor, topic_id: UUID, *, kind: str, summary: str,
                   ground: str | None = None, note: str | None = None) -> list[Envelope[Any]]:
    """Escalate as a CPPCC proposal or a social-conditions report.

    The ground is the recorded beyond_authority rejection, or ``needs_higher_level`` with a note
    for the topic's latest resolution.
    """
    async with runtime.pool.acquire() as conn, conn.transaction():
        stream = escalation_stream(topic_id)
        events, version = await load_private(runtime, conn, stream)
        now = runtime.clock.now()
        new: list[object] = []
        if ground == d.EscalationGround.needs_higher_level:
            data = await board.latest_resolution(conn, topic_id)
            if data is None:
                raise refusal(d.PublicationRefused(
                    "no_resolution", "该议题尚未形成协商意见，不能以“需上级解决”上报",
                    "the topic has no resolution to escalate as needing a higher level",
                ))
            resolution = c.ResolutionAdopted.model_validate(data)
            actor.ensure_community(resolution.community_id)
            try:
                new.append(d.ground_from_resolution(resolution, note=note or "", now=now))
            except d.PublicationRefused as exc:
                raise refusal(exc) from None
            community = resolution.community_id
        else:
            row = await board.topic_row(conn, topic_id)
            community = events[0].community_id if events else row["community_id"] if row else None
            if community is None:
                raise not_found("该议题", "topic")
            actor.ensure_community(community)
        state = d.Escalation.replay(topic_id, community, [*events, *new])
        try:
            escalated = state.escalate(kind, summary, escalated_by=actor.id, now=now)
        except d.PublicationRefused as exc:
            raise refusal(exc) from None
        public = c.MatterEscalated(
            topic_id=topic_id, community_id=community, escalation_id=escalated.escalation_id, kind=escalated.kind.value,
            ground=escalated.ground.value, summary=escalated.summary, addressee=escalated.addressee,
            escalated_at=escalated.escalated_at,
        )
        return await runtime.record(conn, stream_id=stream, expected_version=version, events=[*new, escalated, public],
                                    community_id=community)


async def escalation_of(runtime: Any, conn: asyncpg.Connection, topic_id: UUID, community_id: str) -> d.Escalation:
    events, _ = await load_private(runtime, conn, escalation_stream(topic_id))
    return d.Escalation.replay(topic_id, community_id, events)
