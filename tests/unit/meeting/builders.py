"""A meeting ready to test from: nine fixed members, a chair, two researched topics."""

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from yishi_contracts import InviteeKind, Measure
from yishi_contracts.lifecycle import Status

from services.meeting.domain import (
    AgendaCandidate, CastVote, CloseVote, Command, Guest, InviteParticipants, Meeting, MeetingRefused, MeetingRules,
    OpenMeeting, OpenVote, RecordArrival, ScheduleMeeting, VoteChoice,
)

COMMUNITY = "330102001001"
NOW = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
MEETING_ID = UUID(int=1)
COUNCIL_ID = UUID(int=2)
TOPIC_A = UUID(int=10)
TOPIC_B = UUID(int=11)
OTHER = UUID(int=99)
CHAIR = "chair"
MEMBERS = tuple(f"m{i}" for i in range(1, 10))
GUEST = "sanitation-station"
MEASURES = (Measure(description="在中山街设环卫工人休息点", responsible_party="社区居委会", deadline=date(2026, 12, 31)),)
TEXT = "在中山街爱心驿站为环卫工人提供休息、饮水和热饭的地方。"


def later(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


def researched(topic_id: UUID, at: datetime = NOW - timedelta(days=1), community_id: str = COMMUNITY
               ) -> AgendaCandidate:
    """A topic whose research was completed at ``at`` and nothing since."""
    return AgendaCandidate(topic_id, community_id).seen(Status.researched, at)


class Sitting:
    """A meeting under test as the command path runs it: decide, then fold the events in.

    Reads fall through to the current (frozen) meeting; ``stream`` keeps every event."""

    def __init__(self, meeting: Meeting | None = None) -> None:
        self.meeting = meeting or Meeting()
        self.stream: list[object] = []

    def execute(self, command: Command, *, now: datetime = NOW) -> list[object]:
        events = self.meeting.decide(command, now=now)
        self.meeting = self.meeting.apply_all(events)
        self.stream += events
        return events

    def __getattr__(self, name: str) -> Any:
        return getattr(self.meeting, name)


def schedule(agenda: tuple[UUID, ...] = (TOPIC_A, TOPIC_B), rules: MeetingRules | None = None, **over: object):
    fields: dict = dict(
        meeting_id=MEETING_ID,
        community_id=COMMUNITY,
        council_id=COUNCIL_ID,
        chair_id=CHAIR,
        scheduled_for=NOW + timedelta(days=3),
        agenda=agenda,
        candidates={topic: researched(topic) for topic in agenda},
    )
    if rules is not None:
        fields["rules"] = rules
    return ScheduleMeeting(**{**fields, **over})


def invitation() -> InviteParticipants:
    guest = Guest(GUEST, TOPIC_A, InviteeKind.community_station, "社区卫生站")
    return InviteParticipants(fixed_members=frozenset(MEMBERS), invitees=(guest,))


def scheduled(rules: MeetingRules | None = None) -> Sitting:
    meeting = Sitting()
    meeting.execute(schedule(rules=rules), now=NOW)
    meeting.execute(invitation(), now=NOW)
    return meeting


def in_session(present: int = 6, rules: MeetingRules | None = None) -> Sitting:
    """Scheduled, invited, the chair and ``present`` fixed members arrived, opened."""
    meeting = scheduled(rules)
    meeting.execute(RecordArrival(CHAIR), now=NOW)
    for member in MEMBERS[:present]:
        meeting.execute(RecordArrival(member), now=NOW)
    meeting.execute(OpenMeeting(), now=NOW)
    return meeting


def refused(meeting: Meeting | Sitting, command: object, error: str, now: datetime = NOW) -> MeetingRefused:
    with pytest.raises(MeetingRefused) as caught:
        meeting.decide(command, now=now)  # type: ignore[arg-type]
    assert caught.value.error == error
    assert caught.value.message_zh and caught.value.message_en
    return caught.value


def vote(meeting: Sitting, topic: UUID, choices: dict[str, VoteChoice]) -> list[object]:
    meeting.execute(OpenVote(topic, TEXT, MEASURES), now=NOW)
    for member, choice in choices.items():
        meeting.execute(CastVote(topic, member, choice), now=NOW)
    return meeting.execute(CloseVote(topic), now=later(5))
