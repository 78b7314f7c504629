"""Council's views of topics (议题) and its reactions to other services' events.

The view: one ``screening_queue`` row per topic, kept from intake's TopicSubmitted and
TopicResubmitted and council's own TopicScreened, ResearchCompleted and ResearchReopened.
Each event writes only its own columns (counts, not arrival order), so a screening that
arrives before its submission is kept, and ``council_topics`` derives the status.

The reactions (once per event, never on rebuild): a meeting's TopicDeferred and an upheld
objection's TopicReturnedToCouncil reopen the topic's research (ResearchReopened).
"""

from typing import Any

import asyncpg
from yishi_contracts import (
    COUNCIL,
    INTAKE,
    MEETING,
    PUBLICATION,
    Envelope,
    ResearchCompleted,
    ResearchReopened,
    TopicDeferred,
    TopicResubmitted,
    TopicReturnedToCouncil,
    TopicScreened,
    TopicSubmitted,
)

from services.kit.projection import Projection
from services.kit.upsert import upsert_topic_row

from .service_layer.research import reopen_research

TABLE = "screening_queue"


async def _count(conn: asyncpg.Connection, envelope: Envelope[Any], column: str, **values: Any) -> None:
    """Add one to ``column`` (a count of this kind of step) and set the step's own columns."""
    cols = list(values)
    sets = ", ".join([f"{column} = {TABLE}.{column} + 1", *(f"{c} = EXCLUDED.{c}" for c in cols)])
    await conn.execute(
        f"INSERT INTO {TABLE} (topic_id, community_id, {column}{''.join(', ' + c for c in cols)}) "
        f"VALUES ($1, $2, 1{''.join(f', ${i + 3}' for i in range(len(cols)))}) "
        f"ON CONFLICT (topic_id) DO UPDATE SET {sets}",
        envelope.data.topic_id, envelope.data.community_id, *values.values(),
    )


def build_projection(runtime: Any) -> Projection:
    view = Projection(
        "screening_queue", tables=[TABLE], topics=[INTAKE.topic, COUNCIL.topic, MEETING.topic, PUBLICATION.topic]
    )

    @view.on(TopicSubmitted)
    async def _submitted(conn: asyncpg.Connection, envelope: Envelope[TopicSubmitted]) -> None:
        e = envelope.data
        await upsert_topic_row(
            conn, TABLE, envelope, title=e.title, description=e.description, location=e.location,
            source=str(e.source), channel=str(e.channel), submitted_at=e.submitted_at,
        )

    @view.on(TopicResubmitted)
    async def _resubmitted(conn: asyncpg.Connection, envelope: Envelope[TopicResubmitted]) -> None:
        e = envelope.data
        await _count(conn, envelope, "times_resubmitted", resubmitted_at=e.resubmitted_at, resubmission_details=e.details)

    @view.on(TopicScreened)
    async def _screened(conn: asyncpg.Connection, envelope: Envelope[TopicScreened]) -> None:
        e = envelope.data
        columns = dict(
            screened_outcome=e.decision.outcome, screened_at=e.screened_at, council_id=e.council_id,
            decision=e.decision.model_dump(mode="json"), screened_by=e.screened_by,
        )
        if e.decision.outcome == "returned":
            await _count(conn, envelope, "times_returned", **columns)
        else:
            await upsert_topic_row(conn, TABLE, envelope, **columns)

    @view.on(ResearchCompleted)
    async def _researched(conn: asyncpg.Connection, envelope: Envelope[ResearchCompleted]) -> None:
        await _count(conn, envelope, "times_researched", research_completed_at=envelope.data.completed_at)

    @view.on(ResearchReopened)
    async def _reopened(conn: asyncpg.Connection, envelope: Envelope[ResearchReopened]) -> None:
        e = envelope.data
        await _count(conn, envelope, "times_reopened", research_reopened_at=e.reopened_at, reopen_cause=e.cause)

    @view.reacts_to(TopicDeferred)
    async def _deferred(conn: asyncpg.Connection, envelope: Envelope[TopicDeferred]) -> None:
        reason = f"会议暂缓，退回调研：{envelope.data.reason}"
        await reopen_research(runtime, conn, envelope, cause="deferred_by_meeting", reason=reason)

    @view.reacts_to(TopicReturnedToCouncil)
    async def _returned(conn: asyncpg.Connection, envelope: Envelope[TopicReturnedToCouncil]) -> None:
        e = envelope.data
        reason = f"公示期异议成立：{e.objection}；评估意见：{e.assessment}"
        await reopen_research(runtime, conn, envelope, cause="objection_upheld", reason=reason)

    return view
