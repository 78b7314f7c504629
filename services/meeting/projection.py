"""Meeting's agenda candidates: researched topics a meeting may take up ("不调研不协商").

Kept from intake (the title), council (category, research) in any order.
"""

import asyncpg
from yishi_contracts import COUNCIL, INTAKE, Envelope, ResearchCompleted, TopicScreened, TopicSubmitted

from services.kit.projection import Projection
from services.kit.upsert import upsert_topic_row

agenda_candidates = Projection(
    "agenda_candidates", tables=["agenda_candidates"], topics=[INTAKE.topic, COUNCIL.topic]
)


async def _upsert(conn: asyncpg.Connection, envelope: Envelope, **values: object) -> None:
    await upsert_topic_row(conn, "agenda_candidates", envelope, **values)


@agenda_candidates.on(TopicSubmitted)
async def _submitted(conn: asyncpg.Connection, envelope: Envelope[TopicSubmitted]) -> None:
    await _upsert(conn, envelope, title=envelope.data.title)


@agenda_candidates.on(TopicScreened)
async def _screened(conn: asyncpg.Connection, envelope: Envelope[TopicScreened]) -> None:
    decision = envelope.data.decision
    await _upsert(conn, envelope, category=getattr(decision, "category", None), council_id=envelope.data.council_id)


@agenda_candidates.on(ResearchCompleted)
async def _researched(conn: asyncpg.Connection, envelope: Envelope[ResearchCompleted]) -> None:
    e = envelope.data
    await _upsert(
        conn,
        envelope,
        council_id=e.council_id,
        feasibility=e.feasibility,
        consultation_plan=e.consultation_plan,
        researched_at=e.completed_at,
    )
