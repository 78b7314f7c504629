"""The meeting service's views port on PostgreSQL: the projection's tables and the registry's replica.

Reads only: what a row means (researched, decided, a meeting's status) is decided by the
domain from the values read, never by SQL.
"""

from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID

import asyncpg
from yishi_contracts import Invitee, MemberCategory
from yishi_contracts.settings import EffectiveSettings

from services.kit import registry
from services.kit.registry import CommunityNames

from ..domain import AgendaCandidate, MeetingClosed, MeetingOpened
from ..domain.roster import RosterMember
from ..service_layer.meeting_query import MeetingPage, MeetingQuery
from ..service_layer.ports import MeetingSummary, Roster
from .meeting_lists import meeting_page
from .tables import STEP_COLUMNS

OPENED, CLOSED = (f"meeting.{cls.__name__}.v1" for cls in (MeetingOpened, MeetingClosed))
"""The stored type names (the service's EventCodec's) of a meeting's opening and closing."""


def _candidate(row: asyncpg.Record) -> AgendaCandidate:
    return AgendaCandidate(
        topic_id=row["topic_id"],
        community_id=row["community_id"],
        title=row["title"],
        category=row["category"],
        feasibility=row["feasibility"],
        consultation_plan=row["consultation_plan"],
        invitees=tuple(Invitee.model_validate(i) for i in row["invitees"]),
        steps={status: row[column] for status, column in STEP_COLUMNS.items() if row[column] is not None},
    )


class SqlMeetingViews:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def roster(self, community_id: str) -> Roster | None:
        row = await self.conn.fetchrow(
            "SELECT * FROM council_rosters WHERE community_id = $1 ORDER BY changed_at DESC, council_id LIMIT 1",
            community_id,
        )
        if row is None:
            return None
        members = tuple(
            RosterMember(m["member_id"], MemberCategory(m["category"]),
                         date.fromisoformat(m["term_start"]), date.fromisoformat(m["term_end"]))
            for m in row["fixed_members"]
        )
        return Roster(row["council_id"], row["chair_id"], row["chair_name"], members, row["fixed_members"],
                      row["changed_at"])

    async def candidates(
        self, community_id: str, topic_ids: Sequence[UUID] | None = None
    ) -> dict[UUID, AgendaCandidate]:
        rows = await self.conn.fetch(
            f"""
            SELECT topic_id, community_id, title, category, feasibility, consultation_plan, invitees,
                   {", ".join(STEP_COLUMNS.values())}
            FROM agenda_candidates
            WHERE community_id = $1 AND ($2::uuid[] IS NULL OR topic_id = ANY($2::uuid[]))
            ORDER BY researched_at, topic_id
            """,
            community_id, None if topic_ids is None else list(topic_ids),
        )
        return {row["topic_id"]: _candidate(row) for row in rows}

    async def titles(self, topic_ids: Sequence[UUID]) -> dict[UUID, str | None]:
        rows = await self.conn.fetch(
            "SELECT topic_id, title FROM agenda_candidates WHERE topic_id = ANY($1::uuid[])", list(topic_ids)
        )
        return {r["topic_id"]: r["title"] for r in rows}

    async def rules(self, community_id: str, at: datetime) -> EffectiveSettings:
        return await registry.effective_at(self.conn, community_id, at)

    async def community_names(self, community_id: str) -> CommunityNames:
        return (await registry.names_of(self.conn, [community_id]))[community_id]

    async def names_of(self, codes: Sequence[str]) -> dict[str, CommunityNames]:
        return await registry.names_of(self.conn, codes)

    async def meetings(self, community_id: str) -> list[MeetingSummary]:
        """Whether each meeting opened or closed is read from its stream in the event store."""
        rows = await self.conn.fetch(
            """
            SELECT m.meeting_id, m.council_id, m.scheduled_for, m.place, m.topic_ids,
                   coalesce(bool_or(s.event_type = $2), false) AS opened,
                   coalesce(bool_or(s.event_type = $3), false) AS closed,
                   coalesce((SELECT jsonb_object_agg(o.topic_id::text, o.outcome) FROM meeting_outcomes o
                             WHERE o.meeting_id = m.meeting_id), '{}'::jsonb) AS outcomes
            FROM meetings m
            LEFT JOIN event_store s
                ON s.stream_id = 'meeting:' || m.meeting_id::text AND s.event_type IN ($2, $3)
            WHERE m.community_id = $1
            GROUP BY m.meeting_id
            ORDER BY m.scheduled_for DESC, m.meeting_id
            """,
            community_id, OPENED, CLOSED,
        )
        return [MeetingSummary(**dict(row)) for row in rows]

    async def meeting_page(self, query: MeetingQuery) -> MeetingPage:
        return await meeting_page(self.conn, query, opened_type=OPENED, closed_type=CLOSED)
