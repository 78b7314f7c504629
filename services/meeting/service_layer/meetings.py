"""Use cases of the meeting service: load the meeting → decide → record, in one transaction.

Every command goes through ``act``: the meeting is replayed from its stream, the actor's
community is checked against it, the domain decides, and the private facts are recorded
with their public companions (``with_public``). Domain refusals become HTTP refusals.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from yishi_contracts import InviteeKind

from services.kit.auth import Actor
from services.kit.errors import Refusal
from services.kit.eventstore import ConcurrencyConflict

from ..adapters import views
from ..domain import CONSULTATION_ROOM, Guest, InviteParticipants, Meeting, MeetingRefused, ScheduleMeeting
from ..domain import commands as c
from ..domain.public import with_public
from ..domain.refusals import refusal
from ..domain.roster import convening_members

ATTEMPTS = 5
INVALID_REQUEST = frozenset({
    "naive_time", "invalid_community", "empty_agenda", "empty_text", "resolution_text_length", "no_measures",
    "deadline_in_past", "dissent_length", "reason_required",
})


def stream_id(meeting_id: UUID) -> str:
    return f"meeting:{meeting_id}"


def quorum_required(meeting: Meeting) -> int:
    """The fewest fixed members present that make a quorum under the meeting's rules."""
    q, total = meeting.rules.quorum, len(meeting.fixed_members)
    return -(-q.numerator * total // q.denominator)


def refused(exc: MeetingRefused, meeting: Meeting | None = None) -> Refusal:
    """A domain refusal as HTTP: 422 for an invalid request, 409 for the meeting's state."""
    status = 422 if exc.error in INVALID_REQUEST else 409
    if exc.error == "no_quorum" and meeting is not None:
        present, required = len(meeting.fixed_present), quorum_required(meeting)
        return Refusal(
            status, exc.error,
            f"{exc.message_zh}（在场固定成员 {present} 人，法定人数 {required} 人）",
            f"{exc.message_en} ({present} fixed members present, {required} required)",
            present=present, required=required, fixed_members_total=len(meeting.fixed_members),
        )
    return Refusal(status, exc.error, exc.message_zh, exc.message_en)


def not_found() -> Refusal:
    return Refusal(404, "meeting_not_found", "找不到该会议", "no such meeting")


@dataclass(frozen=True)
class Outcome:
    meeting: Meeting
    events: list[object]
    envelopes: list[Any]
    history: list[object]
    """Every event of the meeting, the new ones included."""


async def load(conn: asyncpg.Connection, runtime: Any, meeting_id: UUID) -> tuple[Meeting, list[object], int]:
    loaded = await runtime.load(conn, stream_id(meeting_id))
    if not loaded.events:
        raise not_found()
    return Meeting.replay(loaded.events), loaded.events, loaded.version


async def act(runtime: Any, actor: Actor, meeting_id: UUID, build: Any) -> Outcome:
    """Run one command on a meeting. ``build(meeting)`` returns the command (it may refuse).

    Members voting at the same moment write to the same stream: a concurrent append is
    decided again on the fresh state (the command is a pure function of it), a few times.
    """
    for attempt in range(ATTEMPTS):
        try:
            return await _act_once(runtime, actor, meeting_id, build)
        except ConcurrencyConflict:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


async def _act_once(runtime: Any, actor: Actor, meeting_id: UUID, build: Any) -> Outcome:
    async with runtime.pool.acquire() as conn, conn.transaction():
        meeting, earlier, version = await load(conn, runtime, meeting_id)
        assert meeting.scheduled is not None
        community_id = meeting.scheduled.community_id
        actor.ensure_community(community_id)
        command = build(meeting)
        try:
            events = meeting.execute(command, now=runtime.clock.now())
        except MeetingRefused as exc:
            raise refused(exc, meeting) from exc
        events = with_public(community_id, events)
        envelopes = await runtime.record(
            conn, stream_id=stream_id(meeting_id), expected_version=version, events=events, community_id=community_id
        )
        return Outcome(meeting, events, envelopes, [*earlier, *events])


def _guests(topic_id: UUID, invitees: list[dict[str, Any]], start: int = 1) -> list[Guest]:
    return [
        Guest(f"x:{topic_id}:{n}", topic_id, InviteeKind(item["kind"]), item["description"])
        for n, item in enumerate(invitees, start)
    ]


async def schedule(
    runtime: Any, actor: Actor, *, community_id: str, scheduled_for: datetime, agenda: list[UUID],
    place: str = CONSULTATION_ROOM,
) -> Outcome:
    """召集会议: the agenda's topics must be researched; the roster and the topics' X are invited."""
    actor.ensure_community(community_id)
    now = runtime.clock.now()
    async with runtime.pool.acquire() as conn, conn.transaction():
        council = await views.roster(conn, community_id)
        rows = await views.topics(conn, community_id, agenda)
        rules = await views.rules(conn, community_id)
        meeting = Meeting()
        try:
            if council is None:
                raise refusal("no_council")
            fixed = convening_members(council.chair_id, council.members, scheduled_for.date())
            if any(rows[t]["decided"] for t in agenda if t in rows and rows[t]["researched"]):
                raise refusal("topic_decided")
            researched = frozenset(t for t, row in rows.items() if row["researched"])
            meeting_id = uuid4()
            assert council.chair_id is not None
            events = meeting.execute(
                ScheduleMeeting(
                    meeting_id=meeting_id, community_id=community_id, council_id=council.council_id,
                    chair_id=council.chair_id, scheduled_for=scheduled_for, agenda=tuple(agenda),
                    researched=researched, place=place, rules=rules,
                ),
                now=now,
            )
            guests = [g for t in agenda for g in _guests(t, rows[t]["invitees"])]
            events += meeting.execute(InviteParticipants(fixed, tuple(guests)), now=now)
        except MeetingRefused as exc:
            raise refused(exc) from exc
        events = with_public(community_id, events)
        envelopes = await runtime.record(
            conn, stream_id=stream_id(meeting_id), expected_version=0, events=events, community_id=community_id,
            correlation_id=uuid4(),
        )
        return Outcome(meeting, events, envelopes, events)


def invitation(meeting: Meeting, fixed_members: list[str] | None, invitees: list[dict[str, Any]]) -> c.Command:
    """邀请: replace the fixed members if given, add invitees (X) numbered after the topic's earlier ones."""
    guests: list[Guest] = []
    for item in invitees:
        topic_id = item["topic_id"]
        person_id = item.get("person_id")
        if not person_id:
            taken = sum(1 for g in (*meeting.guests.values(), *guests) if g.topic_id == topic_id)
            person_id = f"x:{topic_id}:{taken + 1}"
        guests.append(Guest(person_id, topic_id, InviteeKind(item["kind"]), item["description"]))
    members = frozenset(fixed_members) if fixed_members is not None else meeting.fixed_members
    return InviteParticipants(members, tuple(guests))

