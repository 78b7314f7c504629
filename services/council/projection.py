"""Council's screening queue (待确定议题): topics of a community awaiting screening.

Kept from intake's TopicSubmitted and council's own TopicScreened, in any order: a
screening that arrives before its submission still takes the topic off the queue.
"""

import asyncpg
from yishi_contracts import COUNCIL, INTAKE, Envelope, TopicScreened, TopicSubmitted

from services.kit.projection import Projection

screening_queue = Projection("screening_queue", tables=["screening_queue"], topics=[INTAKE.topic, COUNCIL.topic])


@screening_queue.on(TopicSubmitted)
async def _submitted(conn: asyncpg.Connection, envelope: Envelope[TopicSubmitted]) -> None:
    e = envelope.data
    await conn.execute(
        """
        INSERT INTO screening_queue (topic_id, community_id, title, description, location, source, channel,
                                     submitted_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (topic_id) DO UPDATE SET
            title = EXCLUDED.title, description = EXCLUDED.description, location = EXCLUDED.location,
            source = EXCLUDED.source, channel = EXCLUDED.channel, submitted_at = EXCLUDED.submitted_at
        """,
        e.topic_id, e.community_id, e.title, e.description, e.location, e.source, e.channel, e.submitted_at,
    )


@screening_queue.on(TopicScreened)
async def _screened(conn: asyncpg.Connection, envelope: Envelope[TopicScreened]) -> None:
    e = envelope.data
    await conn.execute(
        """
        INSERT INTO screening_queue (topic_id, community_id, screened_outcome, screened_at)
        VALUES ($1, $2, $3, $4)
        ON CONFLICT (topic_id) DO UPDATE SET
            screened_outcome = EXCLUDED.screened_outcome, screened_at = EXCLUDED.screened_at
        """,
        e.topic_id, e.community_id, e.decision.outcome, e.screened_at,
    )
