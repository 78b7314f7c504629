"""Use cases of screening (确定议题): one topic or several at once, by decision or by template.

The community's council must be able to act; each topic's decision is recorded as the
public TopicScreened on the topic's screening stream. A batch is one transaction in which
a refusal of one topic does not stop the others, and a decision earlier in the batch counts
for later ones (the inline projection has already applied it); the results come back in
the order asked.
"""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from pydantic import ValidationError
from yishi_contracts import TopicScreened

from services.kit.auth import Actor, Role
from services.kit.commands import Change, Context, check_actor
from services.kit.ports import Service
from services.kit.refusal import INVALID, NOT_FOUND
from services.kit.unit_of_work import UnitOfWork

from ..domain.council import Council
from ..domain.duplicates import DuplicateCandidate, possible_duplicates
from ..domain.refusal import CouncilRefused
from ..domain.screening import Decision, Merged, Screening, ScreeningTemplate, ScreenTopic, TopicRef
from . import councils
from .ports import CouncilViews, TopicRecord

SCREENERS = (Role.council_chair, Role.council_member)
SECRETARIES = (Role.council_chair, Role.council_member, Role.staff)


@dataclass(frozen=True)
class ScreeningRequest:
    """Screen one topic with a decision, or with a saved template (答复模板) by name."""

    topic_id: UUID
    decision: Decision | None = None
    template: str | None = None


@dataclass(frozen=True)
class ScreeningResult:
    """One topic's outcome in a batch: the event, or the refusal."""

    topic_id: UUID
    event: TopicScreened | None = None
    refusal: CouncilRefused | None = None


def stream_id(topic_id: UUID) -> str:
    return f"screening:{topic_id}"


def topic_unknown() -> CouncilRefused:
    return CouncilRefused("topic_unknown", "找不到该议题", "no such topic", kind=NOT_FOUND)


def not_received() -> CouncilRefused:
    # In a batch: the topic may simply not have arrived from intake yet.
    return CouncilRefused("topic_unknown", "尚未收到该议题，无法确定", "this topic has not been received, so it cannot be screened")


async def _decision(views: CouncilViews, community_id: str, request: ScreeningRequest, topic: TopicRef) -> Decision:
    if request.template is None:
        if request.decision is None:
            raise CouncilRefused("decision_required", "请给出确定结果或选择答复模板", "give a decision or a template",
                                 kind=INVALID)
        return request.decision
    template = await views.template(community_id, request.template)
    if template is None:
        raise CouncilRefused("template_unknown", f"找不到答复模板“{request.template}”",
                             f"no template named {request.template!r}", kind=INVALID)
    try:
        return template.decision(topic)
    except ValidationError as exc:
        raise CouncilRefused("template_invalid", "模板套用后的答复不符合要求",
                             f"the template's text does not fit: {exc}", kind=INVALID) from exc


def _screening(request: ScreeningRequest, community_id: str, council: Council, screener: str) -> Change[Any, CouncilViews]:
    async def decide(screening: Screening, ctx: Context[CouncilViews]) -> list[object]:
        record = await ctx.views.topic(request.topic_id)
        if record is None:
            raise not_received()
        topic = record.ref()
        decision = await _decision(ctx.views, community_id, request, topic)
        target = None
        if isinstance(decision, Merged):
            found = await ctx.views.topic(decision.merged_into)
            target = found.ref() if found else None
        return screening.screen(council, ScreenTopic(topic, decision, screener, target), now=ctx.now)

    return Change(stream_id(request.topic_id), Screening.fold, decide, community=community_id, roles=SCREENERS)


async def screen_topics(
    service: Service[CouncilViews], actor: Actor, community_id: str, requests: list[ScreeningRequest]
) -> list[ScreeningResult]:
    """Screen the topics in order, in one transaction; one result per request."""
    check_actor(actor, SCREENERS, community_id)

    async def work(uow: UnitOfWork[CouncilViews]) -> list[ScreeningResult]:
        council = await councils.acting_for(uow, community_id)
        results = []
        for request in requests:
            change = _screening(request, community_id, council, actor.id)
            try:
                done = await service.commands.execute_in(uow, change, actor)
            except CouncilRefused as refusal:
                results.append(ScreeningResult(request.topic_id, refusal=refusal))
            else:
                results.append(ScreeningResult(request.topic_id, event=done.events[0]))
        return results

    return await service.commands.retrying(work)


async def screen_topic(service: Service[CouncilViews], actor: Actor, request: ScreeningRequest) -> TopicScreened:
    """Screen the one topic a request names: unknown is 404, a refusal is the request's."""
    async with service.reading() as views:
        record = await views.topic(request.topic_id)
    if record is None:
        raise topic_unknown()
    [result] = await screen_topics(service, actor, record.community_id, [request])
    if result.refusal is not None:
        raise result.refusal
    assert result.event is not None
    return result.event


async def save_template(
    service: Service[CouncilViews], actor: Actor, community_id: str, template: ScreeningTemplate
) -> ScreeningTemplate:
    """A secretary saves an answer template (答复模板) for the community, by name."""
    check_actor(actor, SECRETARIES, community_id)
    now = service.clock.now()
    await service.commands.retrying(lambda uow: uow.views.save_template(community_id, template, actor.id, now))
    return template


async def templates(service: Service[CouncilViews], community_id: str) -> list[ScreeningTemplate]:
    async with service.reading() as views:
        return await views.templates(community_id)


async def awaiting(
    service: Service[CouncilViews], community_id: str, limit: int, offset: int
) -> tuple[int, list[tuple[TopicRecord, list[DuplicateCandidate]]]]:
    """The community's topics awaiting screening, oldest first, each with its possible duplicates."""
    async with service.reading() as views:
        total, records = await views.awaiting(community_id, limit, offset)
        others = await views.comparable(community_id) if records else []
    return total, [(record, possible_duplicates(record.ref(), others)) for record in records]
