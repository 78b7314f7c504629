"""The council's views port on PostgreSQL: the topics view, councils by community, answer templates
and the registry (``registry_views``)."""

from datetime import datetime
from uuid import UUID

import asyncpg
from yishi_contracts.settings import lineage as lineage_of_shape

from ..domain.duplicates import NOT_COMPARED
from ..domain.screening import AWAITING_SCREENING, ScreeningTemplate, TopicRef
from ..service_layer.ports import TopicRecord
from .registry_views import SqlRegistryViews
from ..service_layer.topic_query import TopicPage, TopicQuery
from .topic_lists import topic_page
from .topics_view import record

_SUBMITTED = "SELECT * FROM council_topics WHERE submitted_at IS NOT NULL"


def _template(row: asyncpg.Record) -> ScreeningTemplate:
    return ScreeningTemplate(row["name"], row["kind"], row["text"], row["reason"], row["referral"])



NEAREST_TEMPLATES = (
    "SELECT DISTINCT ON (name) * FROM screening_templates WHERE community_id = ANY($1::text[]) "
    "ORDER BY name, array_position($1::text[], community_id) DESC"
)
"""Per name, the template of the nearest division of the lineage (district, street, community)."""


def _lineage(code: str) -> list[str]:
    return [c for _, c in lineage_of_shape(code)]

class SqlCouncilViews(SqlRegistryViews):
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def topic(self, topic_id: UUID) -> TopicRecord | None:
        row = await self.conn.fetchrow(f"{_SUBMITTED} AND topic_id = $1", topic_id)
        return record(row) if row else None

    async def awaiting(self, community_id: str, limit: int, offset: int) -> tuple[int, list[TopicRecord]]:
        where = "community_id = $1 AND submitted_at IS NOT NULL AND status = ANY($2::text[])"
        awaiting = [s.value for s in AWAITING_SCREENING]
        total = await self.conn.fetchval(f"SELECT count(*) FROM council_topics WHERE {where}", community_id, awaiting)
        rows = await self.conn.fetch(
            f"SELECT * FROM council_topics WHERE {where} ORDER BY submitted_at, topic_id LIMIT $3 OFFSET $4",
            community_id, awaiting, limit, offset,
        )
        return total, [record(r) for r in rows]

    async def comparable(self, community_id: str) -> list[TopicRef]:
        rows = await self.conn.fetch(
            f"{_SUBMITTED} AND community_id = $1 AND NOT status = ANY($2::text[])",
            community_id, [s.value for s in NOT_COMPARED],
        )
        return [record(r).ref() for r in rows]

    async def council_of(self, community_id: str) -> UUID | None:
        return await self.conn.fetchval("SELECT council_id FROM councils WHERE community_id = $1", community_id)

    async def register_council(self, council_id: UUID, community_id: str, at: datetime) -> UUID | None:
        inserted = await self.conn.fetchval(
            "INSERT INTO councils (council_id, community_id, formed_at) VALUES ($1, $2, $3) "
            "ON CONFLICT (community_id) DO NOTHING RETURNING council_id",
            council_id, community_id, at,
        )
        return None if inserted else await self.council_of(community_id)

    async def save_template(self, community_id: str, template: ScreeningTemplate, by: str, at: datetime) -> None:
        await self.conn.execute(
            """
            INSERT INTO screening_templates (community_id, name, kind, text, reason, referral, created_by, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (community_id, name) DO UPDATE SET kind = EXCLUDED.kind, text = EXCLUDED.text,
                reason = EXCLUDED.reason, referral = EXCLUDED.referral, created_by = EXCLUDED.created_by,
                created_at = EXCLUDED.created_at
            """,
            community_id, template.name.strip(), template.kind, template.text.strip(), template.reason,
            template.referral, by, at,
        )

    async def templates(self, community_id: str) -> list[ScreeningTemplate]:
        """The community's templates and those of its street and district (inherited down: a
        name the nearer division also uses is its own)."""
        rows = await self.conn.fetch(
            f"SELECT * FROM ({NEAREST_TEMPLATES}) t ORDER BY kind, reason NULLS FIRST, name", _lineage(community_id),
        )
        return [_template(r) for r in rows]

    async def template(self, community_id: str, name: str) -> ScreeningTemplate | None:
        row = await self.conn.fetchrow(
            f"SELECT * FROM ({NEAREST_TEMPLATES}) t WHERE name = $2", _lineage(community_id), name.strip()
        )
        return _template(row) if row else None

    async def topic_list(self, query: TopicQuery) -> TopicPage:
        return await topic_page(self.conn, query)
