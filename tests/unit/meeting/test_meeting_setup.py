"""The meeting before its decisions: scheduling, agenda, invitations, attendance, minutes (组织协商)."""

from datetime import datetime
from fractions import Fraction
from uuid import UUID

import pytest
from yishi_contracts import InviteeKind

from services.meeting.domain import (
    CONSULTATION_ROOM, REFUSALS, EntryKind, Guest, InviteParticipants, Meeting, MeetingConvened, MeetingRules,
    MeetingStatus, MinutesEntryRecorded, OpenMeeting, PutOnAgenda, RecordArrival, RecordDeparture, RecordMinutesEntry,
    Role,
)

from .builders import (
    CHAIR, GUEST, MEMBERS, NOW, OTHER, TOPIC_A, TOPIC_B, Sitting, in_session, invitation, refused, researched,
    schedule, scheduled,
)


def test_every_refusal_has_both_messages() -> None:
    for error, (zh, en) in REFUSALS.items():
        assert error and zh.strip() and en.strip()


# -- scheduling and the agenda -----------------------------------------------------------


def test_scheduling_in_the_consultation_room_with_the_rules_in_force() -> None:
    rules = MeetingRules(quorum=Fraction(3, 4))
    [event] = Meeting().decide(schedule(rules=rules), now=NOW)
    assert isinstance(event, MeetingConvened)
    assert event.place == CONSULTATION_ROOM == "协商议事室"
    assert event.agenda == (TOPIC_A, TOPIC_B) and event.rules == rules and event.at == NOW


def test_no_consultation_without_research() -> None:
    error = refused(Meeting(), schedule(candidates={TOPIC_A: researched(TOPIC_A)}), "topic_not_researched")
    assert error.message_zh == "不调研不协商：议题尚未完成议前调研，不能列入议程"
    assert "research" in error.message_en


@pytest.mark.parametrize(
    ("over", "error"),
    [
        ({"agenda": ()}, "empty_agenda"),
        ({"agenda": (TOPIC_A, TOPIC_A)}, "topic_already_on_agenda"),
        ({"community_id": "3301"}, "invalid_community"),
        ({"scheduled_for": datetime(2026, 12, 1, 9)}, "naive_time"),
    ],
)
def test_scheduling_refusals(over: dict, error: str) -> None:
    refused(Meeting(), schedule(**over), error)


def test_time_must_carry_a_timezone() -> None:
    refused(Meeting(), schedule(), "naive_time", now=datetime(2026, 11, 28, 9))


def test_a_meeting_is_scheduled_once() -> None:
    refused(scheduled(), schedule(), "already_scheduled")


def test_nothing_happens_before_scheduling() -> None:
    refused(Meeting(), OpenMeeting(), "not_scheduled")


def test_a_researched_topic_can_join_the_agenda_before_opening() -> None:
    meeting = scheduled()
    meeting.execute(PutOnAgenda(OTHER, researched(OTHER)), now=NOW)
    assert OTHER in meeting.topics
    refused(meeting, PutOnAgenda(OTHER, researched(OTHER)), "topic_already_on_agenda")
    refused(meeting, PutOnAgenda(UUID(int=98), None), "topic_not_researched")
    refused(in_session(), PutOnAgenda(OTHER, researched(OTHER)), "meeting_already_opened")


# -- invitations and attendance ----------------------------------------------------------


def test_invitation_refusals() -> None:
    meeting = Sitting()
    meeting.execute(schedule(), now=NOW)
    refused(meeting, InviteParticipants(frozenset()), "empty_roster")
    stray = Guest(GUEST, OTHER, InviteeKind.stakeholder, "中山街商户")
    refused(meeting, InviteParticipants(frozenset(MEMBERS), (stray,)), "topic_not_on_agenda")
    member_as_guest = Guest(MEMBERS[0], TOPIC_A, InviteeKind.stakeholder, "业主代表")
    refused(meeting, InviteParticipants(frozenset(MEMBERS), (member_as_guest,)), "roster_overlap")
    refused(in_session(), invitation(), "meeting_already_opened")


def test_the_roster_can_be_corrected_before_opening_but_not_drop_who_has_arrived() -> None:
    meeting = scheduled()
    meeting.execute(RecordArrival(MEMBERS[0]), now=NOW)
    meeting.execute(InviteParticipants(frozenset(MEMBERS[:8])), now=NOW)
    assert len(meeting.fixed_members) == 8
    refused(meeting, InviteParticipants(frozenset(MEMBERS[1:])), "present_not_reinvited")
    refused(meeting, InviteParticipants(frozenset({*MEMBERS, GUEST})), "roster_overlap")


def test_attendance_knows_each_role_and_refuses_strangers_and_repeats() -> None:
    meeting = scheduled()
    for person in (CHAIR, MEMBERS[0], GUEST):
        meeting.execute(RecordArrival(person), now=NOW)
    assert meeting.present == {CHAIR: Role.chair, MEMBERS[0]: Role.fixed_member, GUEST: Role.invitee}
    refused(meeting, RecordArrival("passer-by"), "not_invited")
    refused(meeting, RecordArrival(GUEST), "already_present")
    meeting.execute(RecordDeparture(GUEST), now=NOW)
    refused(meeting, RecordDeparture(GUEST), "not_present")


def test_opening_needs_a_quorum_of_fixed_members_only() -> None:
    meeting = scheduled()
    for person in (CHAIR, GUEST, *MEMBERS[:5]):
        meeting.execute(RecordArrival(person), now=NOW)
    refused(meeting, OpenMeeting(), "no_quorum")
    meeting.execute(RecordArrival(MEMBERS[5]), now=NOW)
    [opened] = meeting.execute(OpenMeeting(), now=NOW)
    assert (opened.fixed_members_present, opened.fixed_members_total) == (6, 9)
    assert meeting.status is MeetingStatus.open
    refused(meeting, OpenMeeting(), "meeting_already_opened")


def test_opening_needs_the_roster() -> None:
    meeting = Sitting()
    meeting.execute(schedule(), now=NOW)
    refused(meeting, OpenMeeting(), "empty_roster")


def test_configured_quorum_applies() -> None:
    meeting = scheduled(MeetingRules(quorum=Fraction(1, 2)))
    for member in MEMBERS[:5]:
        meeting.execute(RecordArrival(member), now=NOW)
    meeting.execute(OpenMeeting(), now=NOW)
    assert meeting.status is MeetingStatus.open


# -- minutes -----------------------------------------------------------------------------


def test_minutes_are_numbered_in_order_and_keep_every_voice() -> None:
    meeting = in_session()
    meeting.execute(RecordArrival(GUEST), now=NOW)
    said = [
        (CHAIR, EntryKind.statement, "介绍议事方案"),
        (MEMBERS[0], EntryKind.question, "休息点设在哪里？"),
        (GUEST, EntryKind.answer, "卫生站旁边的爱心驿站"),
        (MEMBERS[1], EntryKind.debate, "驿站面积不够"),
        (MEMBERS[2], EntryKind.discussion, "可以错峰使用"),
    ]
    for speaker, kind, text in said:
        meeting.execute(RecordMinutesEntry(TOPIC_A, speaker, kind, f"  {text} "), now=NOW)
    assert [e.number for e in meeting.minutes] == [1, 2, 3, 4, 5]
    assert [(e.speaker_id, e.kind, e.text) for e in meeting.minutes] == said
    assert all(isinstance(e, MinutesEntryRecorded) and e.topic_id == TOPIC_A for e in meeting.minutes)


def test_minutes_refusals() -> None:
    meeting = in_session()
    refused(meeting, RecordMinutesEntry(TOPIC_A, MEMBERS[8], EntryKind.statement, "我反对"), "speaker_not_present")
    refused(meeting, RecordMinutesEntry(TOPIC_A, MEMBERS[0], EntryKind.statement, "   "), "empty_text")
    refused(meeting, RecordMinutesEntry(OTHER, MEMBERS[0], EntryKind.statement, "发言"), "topic_not_on_agenda")
    refused(scheduled(), RecordMinutesEntry(TOPIC_A, CHAIR, EntryKind.statement, "发言"), "meeting_not_open")
