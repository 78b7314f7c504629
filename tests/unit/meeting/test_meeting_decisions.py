"""The meeting's decisions: consensus, votes, dissent, deferring, dropping, closing, replay."""

from datetime import date
from uuid import UUID

import pytest
from yishi_contracts import DecisionMethod, Measure, ResolutionAdopted, Tally

from services.meeting.domain import (
    AdoptByConsensus, AgendaItemDeferred, AgendaItemDropped, CastVote, CloseMeeting, CloseVote, DeferTopic, DropTopic,
    EntryKind, Meeting, MeetingClosed, MeetingStatus, OpenMeeting, OpenVote, RecordArrival, RecordDeparture,
    RecordDissent, RecordMinutesEntry, TopicStatus, VoteChoice, VoteClosed,
)

from .builders import (
    CHAIR, COMMUNITY, GUEST, MEASURES, MEETING_ID, MEMBERS, NOW, OTHER, TEXT, TOPIC_A, TOPIC_B, Sitting, in_session,
    invitation, later, refused, schedule, scheduled, vote,
)


# -- consensus ---------------------------------------------------------------------------


def test_consensus_adopts_the_public_resolution_with_dissent_and_attendance() -> None:
    meeting = in_session(present=7)
    meeting.execute(RecordArrival(GUEST), now=NOW)
    meeting.execute(RecordDissent(TOPIC_A, MEMBERS[3], "担心驿站空间不足，影响其他居民使用。"), now=NOW)
    [event] = meeting.execute(AdoptByConsensus(TOPIC_A, TEXT, MEASURES, resolution_id=UUID(int=7)), now=later(30))
    assert isinstance(event, ResolutionAdopted)
    assert event.method is DecisionMethod.consensus and event.tally is None
    assert (event.topic_id, event.meeting_id, event.resolution_id) == (TOPIC_A, MEETING_ID, UUID(int=7))
    assert event.community_id == COMMUNITY and event.adopted_at == later(30)
    assert event.attendance.model_dump() == {"fixed_members_total": 9, "fixed_members_present": 7, "invitees_present": 1}
    assert event.dissent == ["担心驿站空间不足，影响其他居民使用。"]
    assert meeting.topics[TOPIC_A].status is TopicStatus.adopted
    refused(meeting, AdoptByConsensus(TOPIC_A, TEXT, MEASURES), "topic_decided")


@pytest.mark.parametrize(
    ("text", "measures", "error"),
    [
        ("太短", MEASURES, "resolution_text_length"),
        (TEXT, (), "no_measures"),
        (TEXT, (Measure(description="设休息点", responsible_party="居委会", deadline=date(2026, 1, 1)),), "deadline_in_past"),
    ],
)
def test_a_resolution_needs_text_measures_and_future_deadlines(text: str, measures: tuple, error: str) -> None:
    refused(in_session(), AdoptByConsensus(TOPIC_A, text, measures), error)
    refused(in_session(), OpenVote(TOPIC_A, text, measures), error)


def test_dissent_refusals() -> None:
    meeting = in_session()
    refused(meeting, RecordDissent(TOPIC_A, MEMBERS[0], "不同意"), "dissent_length")
    refused(meeting, RecordDissent(TOPIC_A, MEMBERS[8], "不同意这个方案的选址"), "speaker_not_present")


def test_no_resolution_once_the_quorum_has_left() -> None:
    meeting = in_session(present=6)
    meeting.execute(RecordDeparture(MEMBERS[0]), now=NOW)
    refused(meeting, AdoptByConsensus(TOPIC_A, TEXT, MEASURES), "no_quorum")


# -- voting ------------------------------------------------------------------------------


def test_a_vote_by_more_than_half_adopts_the_resolution() -> None:
    meeting = in_session(present=7)
    choices = {MEMBERS[i]: VoteChoice.in_favour for i in range(4)} | {MEMBERS[4]: VoteChoice.against}
    closed, adopted = vote(meeting, TOPIC_A, choices | {MEMBERS[5]: VoteChoice.abstain})
    assert isinstance(closed, VoteClosed) and closed.adopted and closed.voting_present == 7
    assert closed.tally == Tally(in_favour=4, against=1, abstain=1)
    assert isinstance(adopted, ResolutionAdopted)
    assert adopted.method is DecisionMethod.vote and adopted.tally == closed.tally and adopted.text == TEXT


def test_a_vote_short_of_the_majority_is_not_adopted_and_can_only_be_deferred_or_dropped() -> None:
    meeting = in_session(present=8)
    [closed] = vote(meeting, TOPIC_A, {MEMBERS[i]: VoteChoice.in_favour for i in range(4)})
    assert not closed.adopted and closed.voting_present == 8
    assert meeting.topics[TOPIC_A].status is TopicStatus.not_adopted
    refused(meeting, AdoptByConsensus(TOPIC_A, TEXT, MEASURES), "vote_not_adopted")
    refused(meeting, OpenVote(TOPIC_A, TEXT, MEASURES), "vote_not_adopted")
    [deferred] = meeting.execute(DeferTopic(TOPIC_A, "需补充调研驿站面积"), now=NOW)
    assert isinstance(deferred, AgendaItemDeferred) and meeting.topics[TOPIC_A].status is TopicStatus.deferred


def test_only_fixed_members_present_vote_and_each_once() -> None:
    meeting = in_session(present=6)
    meeting.execute(RecordArrival(GUEST), now=NOW)
    meeting.execute(OpenVote(TOPIC_A, TEXT, MEASURES), now=NOW)
    for outsider in (CHAIR, GUEST, MEMBERS[8], "passer-by"):
        refused(meeting, CastVote(TOPIC_A, outsider, VoteChoice.in_favour), "not_a_voting_member")
    meeting.execute(CastVote(TOPIC_A, MEMBERS[0], VoteChoice.in_favour), now=NOW)
    refused(meeting, CastVote(TOPIC_A, MEMBERS[0], VoteChoice.against), "already_voted")


def test_no_vote_without_quorum() -> None:
    meeting = in_session(present=6)
    meeting.execute(OpenVote(TOPIC_A, TEXT, MEASURES), now=NOW)
    meeting.execute(RecordDeparture(MEMBERS[5]), now=NOW)
    error = refused(meeting, CastVote(TOPIC_A, MEMBERS[0], VoteChoice.in_favour), "no_quorum")
    assert "法定人数" in error.message_zh and "quorum" in error.message_en
    refused(meeting, CloseVote(TOPIC_A), "no_quorum")
    refused(meeting, OpenVote(TOPIC_B, TEXT, MEASURES), "no_quorum")


def test_a_vote_cast_before_leaving_still_counts() -> None:
    meeting = in_session(present=7)
    meeting.execute(OpenVote(TOPIC_A, TEXT, MEASURES), now=NOW)
    for i in range(4):
        meeting.execute(CastVote(TOPIC_A, MEMBERS[i], VoteChoice.in_favour), now=NOW)
    meeting.execute(RecordDeparture(MEMBERS[0]), now=NOW)
    [closed, _] = meeting.execute(CloseVote(TOPIC_A), now=NOW)
    assert closed.voting_present == 7 and closed.tally.in_favour == 4 and closed.adopted


def test_vote_sequence_refusals() -> None:
    meeting = in_session()
    refused(meeting, CastVote(TOPIC_A, MEMBERS[0], VoteChoice.in_favour), "no_vote_open")
    refused(meeting, CloseVote(TOPIC_A), "no_vote_open")
    meeting.execute(OpenVote(TOPIC_A, TEXT, MEASURES), now=NOW)
    refused(meeting, OpenVote(TOPIC_A, TEXT, MEASURES), "vote_in_progress")
    refused(meeting, AdoptByConsensus(TOPIC_A, TEXT, MEASURES), "vote_in_progress")


# -- deferring, dropping and closing -----------------------------------------------------


def test_defer_and_drop_need_a_reason_and_work_even_during_a_vote_or_without_quorum() -> None:
    meeting = in_session(present=6)
    meeting.execute(OpenVote(TOPIC_A, TEXT, MEASURES), now=NOW)
    meeting.execute(RecordDeparture(MEMBERS[0]), now=NOW)
    refused(meeting, DropTopic(TOPIC_A, " "), "reason_required")
    [dropped] = meeting.execute(DropTopic(TOPIC_A, "属个体矛盾，转人民调解"), now=NOW)
    assert isinstance(dropped, AgendaItemDropped) and dropped.reason == "属个体矛盾，转人民调解"
    refused(meeting, DeferTopic(TOPIC_A, "再议"), "topic_decided")
    refused(meeting, DeferTopic(OTHER, "再议"), "topic_not_on_agenda")


def test_closing_needs_every_agenda_topic_decided() -> None:
    meeting = in_session()
    meeting.execute(AdoptByConsensus(TOPIC_A, TEXT, MEASURES), now=NOW)
    refused(meeting, CloseMeeting(), "topics_undecided")
    meeting.execute(DeferTopic(TOPIC_B, "需征求交警意见"), now=NOW)
    [closed] = meeting.execute(CloseMeeting(), now=later(90))
    assert closed == MeetingClosed(MEETING_ID, later(90)) and meeting.status is MeetingStatus.closed
    refused(meeting, CloseMeeting(), "meeting_closed")
    refused(meeting, RecordArrival(MEMBERS[8]), "meeting_closed")
    refused(meeting, RecordMinutesEntry(TOPIC_A, CHAIR, EntryKind.statement, "散会"), "meeting_closed")


def test_closing_needs_an_open_meeting() -> None:
    refused(scheduled(), CloseMeeting(), "meeting_not_open")


# -- event sourcing ----------------------------------------------------------------------


def test_replaying_the_stream_rebuilds_the_meeting() -> None:
    meeting = Sitting()
    commands = [
        schedule(), invitation(), *(RecordArrival(m) for m in MEMBERS[:7]), OpenMeeting(),
        RecordMinutesEntry(TOPIC_A, MEMBERS[0], EntryKind.statement, "同意设点"),
        AdoptByConsensus(TOPIC_A, TEXT, MEASURES), OpenVote(TOPIC_B, TEXT, MEASURES),
        CastVote(TOPIC_B, MEMBERS[1], VoteChoice.against), CloseVote(TOPIC_B),
        DropTopic(TOPIC_B, "表决未通过"), CloseMeeting(),
    ]
    for command in commands:
        meeting.execute(command, now=NOW)
    again = Meeting.fold(meeting.stream)
    assert again.status is meeting.status is MeetingStatus.closed
    assert again.topics == meeting.topics and again.minutes == meeting.minutes and again.present == meeting.present


def test_decide_does_not_change_the_state() -> None:
    meeting = in_session()
    meeting.decide(AdoptByConsensus(TOPIC_A, TEXT, MEASURES), now=NOW)
    assert meeting.topics[TOPIC_A].status is TopicStatus.pending


def test_apply_refuses_foreign_events() -> None:
    with pytest.raises(TypeError):
        Meeting().apply(object())
