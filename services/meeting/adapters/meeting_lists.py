"""SQL of the list of meetings of a community or a division (its codes' prefix, compared in "C" order): the ``meetings`` view, its agenda topics' titles
(``agenda_candidates``) and outcomes (``meeting_outcomes``); whether a meeting opened or
closed is read from its stream in the event store by the stored type names (the views' own)."""

from typing import Any

import asyncpg

from ..service_layer.meeting_query import AgendaLine, AgendaOutcome, ListedMeeting, MeetingPage, MeetingQuery


def _where(q: MeetingQuery) -> tuple[str, list[Any]]:
    conditions = ["""m.community_id COLLATE "C" >= $1 AND m.community_id COLLATE "C" < ($1 || ':')"""]
    args: list[Any] = [q.within]
    for condition, value in (("m.scheduled_for >= ${}", q.held_from), ("m.scheduled_for < ${}", q.held_before)):
        if value is not None:
            args.append(value)
            conditions.append(condition.format(len(args)))
    return " AND ".join(conditions), args


async def _agendas(conn: asyncpg.Connection, meeting_ids: list[Any]) -> dict[Any, list[AgendaLine]]:
    rows = await conn.fetch(
        """
        SELECT m.meeting_id, t.topic_id, c.title, o.outcome
        FROM meetings m
        CROSS JOIN LATERAL unnest(m.topic_ids) WITH ORDINALITY AS t(topic_id, position)
        LEFT JOIN agenda_candidates c ON c.topic_id = t.topic_id
        LEFT JOIN meeting_outcomes o ON o.meeting_id = m.meeting_id AND o.topic_id = t.topic_id
        WHERE m.meeting_id = ANY($1::uuid[])
        ORDER BY m.meeting_id, t.position
        """,
        meeting_ids,
    )
    agendas: dict[Any, list[AgendaLine]] = {}
    for r in rows:
        outcome = AgendaOutcome(r["outcome"]) if r["outcome"] else AgendaOutcome.pending
        agendas.setdefault(r["meeting_id"], []).append(AgendaLine(r["topic_id"], r["title"], outcome))
    return agendas


async def meeting_page(conn: asyncpg.Connection, q: MeetingQuery, *, opened_type: str, closed_type: str) -> MeetingPage:
    where, args = _where(q)
    total = await conn.fetchval(f"SELECT count(*) FROM meetings m WHERE {where}", *args)
    n = len(args)
    rows = await conn.fetch(
        f"""
        SELECT m.meeting_id, m.community_id, m.council_id, m.scheduled_for, m.place,
               EXISTS (SELECT 1 FROM event_store s WHERE s.stream_id = 'meeting:' || m.meeting_id::text
                       AND s.event_type = ${n + 1}) AS opened,
               EXISTS (SELECT 1 FROM event_store s WHERE s.stream_id = 'meeting:' || m.meeting_id::text
                       AND s.event_type = ${n + 2}) AS closed
        FROM meetings m WHERE {where}
        ORDER BY m.scheduled_for DESC, m.meeting_id LIMIT ${n + 3} OFFSET ${n + 4}
        """,
        *args, opened_type, closed_type, q.limit, q.offset,
    )
    agendas = await _agendas(conn, [r["meeting_id"] for r in rows])
    return MeetingPage(total=total, meetings=[
        ListedMeeting(**dict(r), agenda=agendas.get(r["meeting_id"], [])) for r in rows
    ])
