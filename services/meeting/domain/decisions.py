"""Deciding the commands of a scheduled meeting (会议进行中的决定): the rules of step 4.

Pure functions of the meeting's state, the command and ``now``; they return events and
never change the state (``Meeting.apply`` does that).
"""

from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from yishi_contracts import Measure, Tally

from . import commands as c
from .events import (
    AttendanceRecorded, DissentRecorded, MeetingClosed, MeetingOpened, MinutesEntryRecorded, Movement,
    ParticipantsInvited, TopicDeferred, TopicDropped, TopicPutOnAgenda, VoteCast, VoteChoice, VoteClosed, VoteOpened,
)
from .refusals import refusal
from .status import DECIDED, MeetingStatus, TopicStatus

if TYPE_CHECKING:
    from .meeting import Meeting, TopicState

MAX_TEXT = 5000
MIN_TEXT = 5


def decide_in_session(meeting: "Meeting", command: c.Command, now: datetime) -> list[object]:
    """Every command but scheduling: before the meeting opens, while it sits, and closing it."""
    mid = meeting.meeting_id
    match command:
        case c.PutOnAgenda():
            meeting.require_status(MeetingStatus.scheduled)
            if command.topic_id in meeting.topics:
                raise refusal("topic_already_on_agenda")
            if command.topic_id not in command.researched:
                raise refusal("topic_not_researched")
            return [TopicPutOnAgenda(mid, command.topic_id, now)]
        case c.InviteParticipants():
            meeting.require_status(MeetingStatus.scheduled)
            if not command.fixed_members:
                raise refusal("empty_roster")
            for guest in command.invitees:
                if guest.topic_id not in meeting.topics:
                    raise refusal("topic_not_on_agenda")
                if guest.person_id in command.fixed_members:
                    raise refusal("roster_overlap")
            if command.fixed_members & meeting.guests.keys():
                raise refusal("roster_overlap")
            if not meeting.fixed_present <= command.fixed_members:
                raise refusal("present_not_reinvited")
            return [ParticipantsInvited(mid, frozenset(command.fixed_members), tuple(command.invitees), now)]
        case c.RecordArrival() | c.RecordDeparture():
            return [_attendance(meeting, command, now)]
        case c.OpenMeeting():
            meeting.require_status(MeetingStatus.scheduled)
            if not meeting.fixed_members:
                raise refusal("empty_roster")
            _require_quorum(meeting)
            return [MeetingOpened(mid, len(meeting.fixed_present), len(meeting.fixed_members), now)]
        case c.RecordMinutesEntry():
            meeting.require_status(MeetingStatus.open)
            if command.topic_id not in meeting.topics:
                raise refusal("topic_not_on_agenda")
            if command.speaker_id not in meeting.present:
                raise refusal("speaker_not_present")
            text = _non_empty(command.text)
            number = len(meeting.minutes) + 1
            return [MinutesEntryRecorded(mid, number, command.topic_id, command.speaker_id, command.kind, text, now)]
        case c.RecordDissent():
            meeting.undecided_topic(command.topic_id)
            if command.member_id not in meeting.present:
                raise refusal("speaker_not_present")
            opinion = command.opinion.strip()
            if not MIN_TEXT <= len(opinion) <= MAX_TEXT:
                raise refusal("dissent_length")
            return [DissentRecorded(mid, command.topic_id, command.member_id, opinion, now)]
        case c.AdoptByConsensus() | c.OpenVote():
            _require_pending(meeting.undecided_topic(command.topic_id))
            _require_quorum(meeting)
            text = _valid_resolution(command.text, command.measures, now)
            if isinstance(command, c.OpenVote):
                return [VoteOpened(mid, command.topic_id, command.resolution_id, text, tuple(command.measures), now)]
            return [meeting.resolution(command.topic_id, command.resolution_id, text, command.measures, None, now)]
        case c.CastVote():
            topic = _open_vote(meeting, command.topic_id)
            if command.member_id not in meeting.fixed_present:
                raise refusal("not_a_voting_member")
            if command.member_id in topic.votes:
                raise refusal("already_voted")
            return [VoteCast(mid, command.topic_id, command.member_id, VoteChoice(command.choice), now)]
        case c.CloseVote():
            return _close_vote(meeting, command.topic_id, now)
        case c.DeferTopic() | c.DropTopic():
            meeting.undecided_topic(command.topic_id)
            reason = _non_empty(command.reason, "reason_required")
            kind = TopicDeferred if isinstance(command, c.DeferTopic) else TopicDropped
            return [kind(mid, command.topic_id, reason, now)]
        case c.CloseMeeting():
            meeting.require_status(MeetingStatus.open)
            if any(topic.status not in DECIDED for topic in meeting.topics.values()):
                raise refusal("topics_undecided")
            return [MeetingClosed(mid, now)]
    raise TypeError(f"not a meeting command: {type(command).__name__}")


def _attendance(meeting: "Meeting", command: c.RecordArrival | c.RecordDeparture, now: datetime) -> AttendanceRecorded:
    if meeting.status is MeetingStatus.closed:
        raise refusal("meeting_closed")
    role = meeting.role_of(command.person_id)
    if role is None:
        raise refusal("not_invited")
    arriving = isinstance(command, c.RecordArrival)
    if arriving and command.person_id in meeting.present:
        raise refusal("already_present")
    if not arriving and command.person_id not in meeting.present:
        raise refusal("not_present")
    movement = Movement.arrived if arriving else Movement.left
    return AttendanceRecorded(meeting.meeting_id, command.person_id, role, movement, now)


def _close_vote(meeting: "Meeting", topic_id: UUID, now: datetime) -> list[object]:
    topic = _open_vote(meeting, topic_id)
    counts = {choice: 0 for choice in VoteChoice}
    for choice in topic.votes.values():
        counts[choice] += 1
    tally = Tally(
        in_favour=counts[VoteChoice.in_favour], against=counts[VoteChoice.against], abstain=counts[VoteChoice.abstain]
    )
    # Members who voted and then left still count: their vote stands.
    voting_present = len(meeting.fixed_present | topic.votes.keys())
    adopted = meeting.rules.adopted(tally, voting_present)
    events: list[object] = [VoteClosed(meeting.meeting_id, topic_id, tally, voting_present, adopted, now)]
    if adopted:
        motion = topic.motion
        assert motion is not None
        events.append(meeting.resolution(topic_id, motion.resolution_id, motion.text, motion.measures, tally, now))
    return events


def _open_vote(meeting: "Meeting", topic_id: UUID) -> "TopicState":
    topic = meeting.undecided_topic(topic_id)
    if topic.status is not TopicStatus.voting:
        raise refusal("no_vote_open")
    _require_quorum(meeting)
    return topic


def _require_pending(topic: "TopicState") -> None:
    if topic.status is TopicStatus.voting:
        raise refusal("vote_in_progress")
    if topic.status is TopicStatus.not_adopted:
        raise refusal("vote_not_adopted")


def _require_quorum(meeting: "Meeting") -> None:
    if not meeting.quorum_met:
        raise refusal("no_quorum")


def _non_empty(text: str, error: str = "empty_text") -> str:
    stripped = text.strip()
    if not stripped:
        raise refusal(error)
    return stripped


def _valid_resolution(text: str, measures: tuple[Measure, ...], now: datetime) -> str:
    stripped = text.strip()
    if not MIN_TEXT <= len(stripped) <= MAX_TEXT:
        raise refusal("resolution_text_length")
    if not measures:
        raise refusal("no_measures")
    if any(measure.deadline < now.date() for measure in measures):
        raise refusal("deadline_in_past")
    return stripped
