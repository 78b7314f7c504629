"""Use cases of pre-meeting research (议前调研): each step on the topic's research stream.

The first step on an accepted topic opens the research; completing records the public
ResearchCompleted. A meeting's deferral or an upheld objection reopens it (a reaction, in
the consumer's transaction).
"""

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from yishi_contracts import Envelope

from services.kit.auth import Actor, Role
from services.kit.commands import Change, Context, Executed
from services.kit.ports import Service
from services.kit.unit_of_work import UnitOfWork

from ..domain.council import Council
from ..domain.research import ReopenCause, Research, open_research
from . import councils
from .ports import CouncilViews, TopicRecord
from .screening import topic_unknown

log = logging.getLogger(__name__)

RESEARCHERS = (Role.council_chair, Role.council_member)

ResearchDecision = Callable[[Research, Council, datetime], list[object]]


def stream_id(topic_id: UUID) -> str:
    return f"research:{topic_id}"


async def research_step(
    service: Service[CouncilViews], actor: Actor, topic_id: UUID, step: ResearchDecision
) -> Executed[Research]:
    """Open the research if this is its first step, then decide and record the step."""

    async def work(uow: UnitOfWork[CouncilViews]) -> Executed[Research]:
        record = await uow.views.topic(topic_id)
        if record is None:
            raise topic_unknown()

        async def decide(research: Research | None, ctx: Context[CouncilViews]) -> list[object]:
            council = await councils.acting_for(ctx.uow, record.community_id)
            opened = open_research(council, record.ref(), now=ctx.now) if research is None else []
            current = research or Research.fold(opened)
            assert current is not None
            return [*opened, *step(current, council, ctx.now)]

        change: Change[Any, CouncilViews] = Change(
            stream_id(topic_id), Research.fold, decide, community=record.community_id, roles=RESEARCHERS
        )
        return await service.commands.execute_in(uow, change, actor)

    return await service.commands.retrying(work)


async def topic_with_research(service: Service[CouncilViews], topic_id: UUID) -> tuple[TopicRecord, Research | None]:
    """The council's view of one topic and its research so far."""
    async with service.commands.units() as uow:
        record = await uow.views.topic(topic_id)
        research = Research.fold((await uow.load(stream_id(topic_id))).events)
    if record is None:
        raise topic_unknown()
    return record, research


async def reopen_research(
    service: Service[CouncilViews], uow: UnitOfWork[CouncilViews], cause_envelope: Envelope[Any], *,
    cause: ReopenCause, reason: str,
) -> None:
    """Reaction: reopen a completed research; a topic with none completed has nothing to reopen."""
    topic_id = cause_envelope.data.topic_id

    def decide(research: Research | None, ctx: Context[CouncilViews]) -> list[object]:
        if research is None or not research.completed:
            log.warning("%s for topic %s: no completed research to reopen", cause_envelope.type, topic_id)
            return []
        return research.reopen(cause, reason, now=ctx.now)

    change: Change[Any, CouncilViews] = Change(
        stream_id(topic_id), Research.fold, decide,
        community=lambda research: research.community_id if research else cause_envelope.data.community_id,
    )
    await service.commands.execute_in(uow, change, cause=cause_envelope)
