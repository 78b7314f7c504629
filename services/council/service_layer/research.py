"""Use cases of pre-meeting research (议前调研): each step on the topic's research stream.

The first step on an accepted topic opens the research; completing records the public
ResearchCompleted. A meeting's deferral or an upheld objection reopens it (a reaction).
"""

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from yishi_contracts import Envelope

from services.kit.auth import Actor
from services.kit.errors import Refusal
from services.kit.runtime import ServiceRuntime

from ..adapters import topics
from ..domain.council import Council
from ..domain.research import ReopenCause, Research, ResearchEvent, open_research
from . import councils

log = logging.getLogger(__name__)

Decide = Callable[[Research, Council, datetime], ResearchEvent]


def stream_id(topic_id: UUID) -> str:
    return f"research:{topic_id}"


async def load(runtime: ServiceRuntime, conn: asyncpg.Connection, topic_id: UUID) -> tuple[Research | None, int]:
    loaded = await runtime.load(conn, stream_id(topic_id))
    research = Research.from_events(loaded.events) if loaded.events else None  # type: ignore[arg-type]
    return research, loaded.version


async def research_step(runtime: ServiceRuntime, topic_id: UUID, actor: Actor, decide: Decide) -> Research:
    """Open the research if this is its first step, then decide and record one step."""
    now = runtime.clock.now()
    async with runtime.pool.acquire() as conn, conn.transaction():
        row = await topics.topic_row(conn, topic_id)
        if row is None:
            raise Refusal(404, "topic_unknown", "找不到该议题", "no such topic")
        actor.ensure_community(row["community_id"])
        council = await councils.load_for_community(runtime, conn, row["community_id"])
        research, version = await load(runtime, conn, topic_id)
        new: list[Any] = []
        if research is None:
            opened = open_research(council, topics.as_ref(row), now=now)
            research, new = Research.from_events([opened]), [opened]
        event = decide(research, council, now)
        new.append(event)
        await runtime.record(
            conn, stream_id=stream_id(topic_id), expected_version=version, events=new,
            community_id=row["community_id"],
        )
    return research.apply(event)


async def reopen_research(
    runtime: ServiceRuntime, conn: asyncpg.Connection, cause_envelope: Envelope[Any], *, cause: ReopenCause, reason: str
) -> None:
    """Reaction: reopen a completed research; a topic with none completed has nothing to reopen."""
    topic_id = cause_envelope.data.topic_id
    research, version = await load(runtime, conn, topic_id)
    if research is None or not research.completed:
        log.warning("%s for topic %s: no completed research to reopen", cause_envelope.type, topic_id)
        return
    event = research.reopen(cause, reason, now=runtime.clock.now())
    await runtime.record(
        conn, stream_id=stream_id(topic_id), expected_version=version, events=[event],
        community_id=research.community_id, cause=cause_envelope,
    )
