"""What a meeting looks like to staff (GET /meetings/{id}): agenda, attendance with the
quorum computed, the minutes in order, votes and tallies, and each topic's outcome —
all read from the meeting's own stream, so it is exactly what was recorded."""

from collections import Counter
from typing import Any
from uuid import UUID

from yishi_contracts import ResolutionAdopted

from services.kit.auth import Actor
from services.kit.ports import Service
from services.kit.refusal import NOT_FOUND

from ..domain import AgendaItemDeferred, AgendaItemDropped, DissentRecorded, Meeting, VoteChoice, VoteClosed
from ..domain.refusals import refusal
from ..domain.rules import fraction_text
from .ports import MeetingViews, stream_id


async def meeting_detail(service: Service[MeetingViews], actor: Actor, meeting_id: UUID) -> dict[str, Any]:
    """A meeting as recorded, for someone of its community."""
    async with service.commands.units() as uow:
        loaded = await uow.load(stream_id(meeting_id))
        if not loaded.events:
            raise refusal("meeting_not_found", NOT_FOUND)
        meeting = Meeting.fold(loaded.events)
        actor.ensure_community(meeting.community_id)
        titles = await uow.views.titles(list(meeting.topics))
    return describe(meeting, loaded.events, titles)


async def shown(service: Service[MeetingViews], meeting: Meeting, history: list[object]) -> dict[str, Any]:
    """A meeting just changed, as ``meeting_detail`` shows it."""
    async with service.reading() as views:
        titles = await views.titles(list(meeting.topics))
    return describe(meeting, history, titles)


def _outcomes(events: list[object]) -> dict[UUID, dict[str, Any]]:
    out: dict[UUID, dict[str, Any]] = {}
    for e in events:
        match e:
            case ResolutionAdopted():
                out[e.topic_id] = {"outcome": "adopted", "resolution": e.model_dump(mode="json")}
            case AgendaItemDeferred():
                out[e.topic_id] = {"outcome": "deferred", "reason": e.reason, "at": e.at}
            case AgendaItemDropped():
                out[e.topic_id] = {"outcome": "dropped", "reason": e.reason, "at": e.at}
    return out


def _tally(votes: dict[str, VoteChoice]) -> dict[str, int]:
    counts = Counter(votes.values())
    return {choice.value: counts.get(choice, 0) for choice in VoteChoice}


def describe(meeting: Meeting, events: list[object], titles: dict[UUID, str | None]) -> dict[str, Any]:
    s = meeting.convened
    assert s is not None
    closed = {e.topic_id: e for e in events if isinstance(e, VoteClosed)}
    dissent = [e for e in events if isinstance(e, DissentRecorded)]
    outcomes = _outcomes(events)
    agenda = []
    for topic_id, topic in meeting.topics.items():
        vote_closed = closed.get(topic_id)
        agenda.append({
            "topic_id": topic_id,
            "title": titles.get(topic_id),
            "status": topic.status.value,
            "motion": None if topic.motion is None else {
                "resolution_id": topic.motion.resolution_id,
                "text": topic.motion.text,
                "measures": [m.model_dump(mode="json") for m in topic.motion.measures],
            },
            "votes": [{"member_id": m, "choice": v.value} for m, v in topic.votes.items()],
            "tally": _tally(dict(topic.votes)) if topic.motion is not None else None,
            "vote_result": None if vote_closed is None else {
                "voting_present": vote_closed.voting_present, "adopted": vote_closed.adopted,
            },
            "dissent": [{"member_id": d.member_id, "opinion": d.opinion} for d in dissent if d.topic_id == topic_id],
            **outcomes.get(topic_id, {"outcome": None}),
        })
    attendance = meeting.attendance().model_dump()
    attendance.update(
        chair_present=s.chair_id in meeting.present,
        chair_presiding=meeting.chair_presiding,
        quorum_required=meeting.quorum_required,
        quorum_met=meeting.quorum_met,
        present=[{"person_id": p, "role": r.value} for p, r in meeting.present.items()],
    )
    return {
        "meeting_id": s.meeting_id,
        "community_id": s.community_id,
        "council_id": s.council_id,
        "chair_id": s.chair_id,
        # The names the meeting kept when it was convened and its members invited: a recorder sees
        # who is who even after the roster changed (null for streams from before names were kept).
        "chair_name": s.chair_name,
        "scheduled_for": s.scheduled_for,
        "place": s.place,
        "status": meeting.status.value,
        "rules": {
            "quorum": fraction_text(meeting.rules.quorum),
            "adoption": fraction_text(meeting.rules.adoption),
            "abstentions_count_as_present": meeting.rules.abstentions_count_as_present,
        },
        "invited": {
            "fixed_members": sorted(meeting.fixed_members),
            "named": [{"member_id": m.member_id, "name": m.name, "category": m.category.value}
                      for m in sorted(meeting.named.values(), key=lambda m: m.member_id)],
            "invitees": [
                {"person_id": g.person_id, "topic_id": g.topic_id, "kind": g.kind.value, "description": g.description}
                for g in meeting.guests.values()
            ],
        },
        "attendance": attendance,
        "agenda": agenda,
        "minutes": [
            {"number": m.number, "topic_id": m.topic_id, "speaker_id": m.speaker_id, "kind": m.kind.value,
             "text": m.text, "at": m.at}
            for m in meeting.minutes
        ],
    }
