"""Use case: screen topics (确定议题), one or several at once, by decision or by template.

The council of the community must be able to act; each topic's decision is recorded as
the public TopicScreened on the topic's screening stream. In a batch a refusal of one
topic does not stop the others; the results come back in the order asked.
"""

from dataclasses import dataclass
from uuid import UUID

import asyncpg
from pydantic import ValidationError

from services.kit.runtime import ServiceRuntime

from ..adapters import topics
from ..domain.refusal import CouncilRefused
from ..domain.screening import Decision, Merged, ScreeningResult, ScreenTopic, screen_many
from . import councils


@dataclass(frozen=True)
class ScreeningRequest:
    """Screen one topic with a decision, or with a saved template (答复模板) by name."""

    topic_id: UUID
    decision: Decision | None = None
    template: str | None = None


def stream_id(topic_id: UUID) -> str:
    return f"screening:{topic_id}"


UNKNOWN_TOPIC = ("topic_unknown", "尚未收到该议题，无法确定", "this topic has not been received, so it cannot be screened")


async def _command(
    conn: asyncpg.Connection, community_id: str, request: ScreeningRequest, screener: str
) -> ScreenTopic:
    row = await topics.topic_row(conn, request.topic_id)
    if row is None:
        raise CouncilRefused(*UNKNOWN_TOPIC)
    topic = topics.as_ref(row)
    decision = request.decision
    if request.template is not None:
        template = await topics.template(conn, community_id, request.template)
        if template is None:
            raise CouncilRefused("template_unknown", f"找不到答复模板“{request.template}”", f"no template named {request.template!r}")
        try:
            decision = template.decision(topic)
        except ValidationError as exc:
            raise CouncilRefused("template_invalid", "模板套用后的答复不符合要求", f"the template's text does not fit: {exc}") from exc
    if decision is None:
        raise CouncilRefused("decision_required", "请给出确定结果或选择答复模板", "give a decision or a template")
    target = None
    if isinstance(decision, Merged):
        target_row = await topics.topic_row(conn, decision.merged_into)
        target = topics.as_ref(target_row) if target_row else None
    return ScreenTopic(topic, decision, screener, target)


async def screen_topics(
    runtime: ServiceRuntime, community_id: str, requests: list[ScreeningRequest], screener: str
) -> list[ScreeningResult]:
    """Screen the topics in order, in one transaction; returns one result per request."""
    now = runtime.clock.now()
    async with runtime.pool.acquire() as conn, conn.transaction():
        council = await councils.load_for_community(runtime, conn, community_id)
        early: dict[int, ScreeningResult] = {}
        commands: list[ScreenTopic] = []
        for i, request in enumerate(requests):
            try:
                commands.append(await _command(conn, community_id, request, screener))
            except CouncilRefused as refusal:
                early[i] = ScreeningResult(request.topic_id, refusal=refusal)
        decided = iter(screen_many(council, commands, now=now).results)
        results = [early[i] if i in early else next(decided) for i in range(len(requests))]
        for result in results:
            if result.event is None:
                continue
            loaded = await runtime.load(conn, stream_id(result.topic_id))
            await runtime.record(
                conn, stream_id=stream_id(result.topic_id), expected_version=loaded.version,
                events=[result.event], community_id=result.event.community_id,
            )
    return results
