"""A meeting ready to test from: nine fixed members, a chair, two researched topics."""

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest
from yishi_contracts import InviteeKind, Measure

from services.meeting.domain import (
    CastVote, CloseVote, Guest, InviteParticipants, Meeting, MeetingRefused, MeetingRules, OpenMeeting, OpenVote,
    RecordArrival, ScheduleMeeting, VoteChoice,
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


def schedule(agenda: tuple[UUID, ...] = (TOPIC_A, TOPIC_B), rules: MeetingRules | None = None, **over: object):
    fields: dict = dict(
        meeting_id=MEETING_ID,
        community_id=COMMUNITY,
        council_id=COUNCIL_ID,
        chair_id=CHAIR,
        scheduled_for=NOW + timedelta(days=3),
        agenda=agenda,
        researched=frozenset(agenda),
    )
    if rules is not None:
        fields["rules"] = rules
    return ScheduleMeeting(**{**fields, **over})


def invitation() -> InviteParticipants:
    guest = Guest(GUEST, TOPIC_A, InviteeKind.community_station, "社区卫生站")
    return InviteParticipants(fixed_members=frozenset(MEMBERS), invitees=(guest,))


def scheduled(rules: MeetingRules | None = None) -> Meeting:
    meeting = Meeting()
    meeting.execute(schedule(rules=rules), now=NOW)
    meeting.execute(invitation(), now=NOW)
    return meeting


def in_session(present: int = 6, rules: MeetingRules | None = None) -> Meeting:
    """Scheduled, invited, the chair and ``present`` fixed members arrived, opened."""
    meeting = scheduled(rules)
    meeting.execute(RecordArrival(CHAIR), now=NOW)
    for member in MEMBERS[:present]:
        meeting.execute(RecordArrival(member), now=NOW)
    meeting.execute(OpenMeeting(), now=NOW)
    return meeting


def refused(meeting: Meeting, command: object, error: str, now: datetime = NOW) -> MeetingRefused:
    with pytest.raises(MeetingRefused) as caught:
        meeting.execute(command, now=now)  # type: ignore[arg-type]
    assert caught.value.error == error
    assert caught.value.message_zh and caught.value.message_en
    return caught.value


def vote(meeting: Meeting, topic: UUID, choices: dict[str, VoteChoice]) -> list[object]:
    meeting.execute(OpenVote(topic, TEXT, MEASURES), now=NOW)
    for member, choice in choices.items():
        meeting.execute(CastVote(topic, member, choice), now=NOW)
    return meeting.execute(CloseVote(topic), now=later(5))
