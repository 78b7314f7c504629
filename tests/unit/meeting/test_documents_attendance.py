"""The chair who presides is present (主持), signed in or not; the names a meeting keeps for
its documents, and streams recorded before it kept them."""

from services.meeting.app import CODEC
from services.meeting.domain import (
    EntryKind, InviteParticipants, MeetingConvened, NamedMember, OpenMeeting, ParticipantsInvited, RecordArrival,
    RecordDeparture, RecordMinutesEntry, Role,
)
from services.meeting.service_layer.reading import describe

from .builders import CHAIR, MEMBERS, NOW, TOPIC_A, Sitting, later, refused, schedule, scheduled
from .test_documents import NAMED


def opened_without_the_chair_signing_in() -> Sitting:
    meeting = scheduled()
    for member in MEMBERS[:6]:
        meeting.execute(RecordArrival(member), now=NOW)
    meeting.execute(OpenMeeting(), now=later(1))
    return meeting


def test_the_chair_who_opens_the_meeting_is_present_and_presiding() -> None:
    meeting = opened_without_the_chair_signing_in()
    assert meeting.present[CHAIR] is Role.chair and meeting.chair_presiding
    assert len(meeting.fixed_present) == 6  # the chair is not counted in the quorum
    meeting.execute(RecordMinutesEntry(TOPIC_A, CHAIR, EntryKind.statement, "宣布会议开始，介绍议题。"), now=later(2))
    refused(meeting, RecordArrival(CHAIR), "already_present")
    shown = describe(meeting.meeting, meeting.stream, {})
    assert shown["attendance"]["chair_present"] and shown["attendance"]["chair_presiding"]
    assert {"person_id": CHAIR, "role": "chair"} in shown["attendance"]["present"]


def test_a_chair_signed_in_before_the_opening_stays_so_and_one_who_leaves_no_longer_presides() -> None:
    meeting = scheduled()
    meeting.execute(RecordArrival(CHAIR), now=NOW)
    assert not meeting.chair_presiding  # present, but nothing to preside over yet
    for member in MEMBERS[:6]:
        meeting.execute(RecordArrival(member), now=NOW)
    meeting.execute(OpenMeeting(), now=later(1))
    assert meeting.present[CHAIR] is Role.chair and meeting.chair_presiding
    meeting.execute(RecordDeparture(CHAIR), now=later(5))
    assert CHAIR not in meeting.present and not meeting.chair_presiding


def test_a_scheduled_meeting_has_no_presiding_chair() -> None:
    meeting = scheduled()
    assert CHAIR not in meeting.present and not meeting.chair_presiding
    assert not describe(meeting.meeting, meeting.stream, {})["attendance"]["chair_presiding"]


def test_the_meeting_keeps_the_names_of_the_members_it_invites_and_of_its_chair() -> None:
    meeting = Sitting()
    meeting.execute(schedule(chair_name="孙红梅"), now=NOW)
    stranger = NamedMember("not-invited", "路人甲", NAMED[0].category)
    [invited] = meeting.execute(InviteParticipants(frozenset(MEMBERS[:8]), (), (*NAMED, stranger)), now=NOW)
    assert isinstance(invited, ParticipantsInvited)
    assert [m.member_id for m in invited.named] == list(MEMBERS[:8])  # names only of those invited
    assert meeting.named[MEMBERS[0]].name == "张建国" and meeting.convened.chair_name == "孙红梅"


def test_streams_recorded_before_names_were_kept_still_fold() -> None:
    meeting = Sitting()
    meeting.execute(schedule(chair_name="孙红梅"), now=NOW)
    meeting.execute(InviteParticipants(frozenset(MEMBERS), (), NAMED), now=NOW)
    convened, invited = meeting.stream
    old_convened = {k: v for k, v in CODEC.encode(convened).items() if k != "chair_name"}
    old_invited = {k: v for k, v in CODEC.encode(invited).items() if k != "named"}
    decoded = [CODEC.decode(CODEC.name_of(e), data) for e, data in ((convened, old_convened), (invited, old_invited))]
    assert isinstance(decoded[0], MeetingConvened) and decoded[0].chair_name is None
    assert isinstance(decoded[1], ParticipantsInvited) and decoded[1].named == ()
    again = Sitting()
    again.meeting = again.meeting.apply_all(decoded)
    assert again.fixed_members == frozenset(MEMBERS) and again.named == {}
    assert [CODEC.decode(CODEC.name_of(e), CODEC.encode(e)) for e in meeting.stream] == meeting.stream
