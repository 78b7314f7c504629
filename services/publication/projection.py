"""The public board (公开栏): every topic of a community and how far it has come.

No personal data: titles, codes and dates only. Each step writes its own columns, so
events arriving in any order give the same row; the status is derived when read.
"""

import asyncpg
from yishi_contracts import (
    COUNCIL,
    INTAKE,
    MEETING,
    Envelope,
    ResearchCompleted,
    ResolutionAdopted,
    TopicScreened,
    TopicSubmitted,
)

from services.kit.projection import Projection
from services.kit.upsert import upsert_topic_row

board = Projection("public_board", tables=["board"], topics=[INTAKE.topic, COUNCIL.topic, MEETING.topic])


@board.on(TopicSubmitted)
async def _submitted(conn: asyncpg.Connection, envelope: Envelope[TopicSubmitted]) -> None:
    e = envelope.data
    await upsert_topic_row(conn, "board", envelope, title=e.title, source=e.source, channel=e.channel, submitted_at=e.submitted_at)


@board.on(TopicScreened)
async def _screened(conn: asyncpg.Connection, envelope: Envelope[TopicScreened]) -> None:
    d = envelope.data.decision
    await upsert_topic_row(
        conn,
        "board",
        envelope,
        screening_outcome=d.outcome,
        category=getattr(d, "category", None),
        exclusion_reason=getattr(d, "reason", None),
        screened_at=envelope.data.screened_at,
    )


@board.on(ResearchCompleted)
async def _researched(conn: asyncpg.Connection, envelope: Envelope[ResearchCompleted]) -> None:
    await upsert_topic_row(conn, "board", envelope, researched_at=envelope.data.completed_at)


@board.on(ResolutionAdopted)
async def _resolved(conn: asyncpg.Connection, envelope: Envelope[ResolutionAdopted]) -> None:
    e = envelope.data
    await upsert_topic_row(conn, "board", envelope, resolution_text=e.text, resolved_at=e.adopted_at)


STATUS_SQL = """
CASE
    WHEN resolved_at IS NOT NULL THEN 'resolved'
    WHEN researched_at IS NOT NULL THEN 'researched'
    WHEN screening_outcome IS NOT NULL THEN screening_outcome
    ELSE 'submitted'
END
"""
