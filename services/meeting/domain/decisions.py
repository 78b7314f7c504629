"""Deciding a meeting's commands (会议的决定): the rules of step 4.

Pure functions of the meeting's state, the command and ``now``; they return events and
never change the state (``Meeting.apply`` does that). A refusal says its kind here:
an invalid request (``INVALID``) or, by default, not in the meeting's current state.
"""

import re
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from yishi_contracts import Measure, Tally

from services.kit.refusal import INVALID

from . import commands as c
from .agenda import AgendaCandidate
from .events import (
    AgendaItemDeferred, AgendaItemDropped, AttendanceRecorded, DissentRecorded, MeetingClosed, MeetingConvened,
    MeetingOpened, MinutesEntryRecorded, Movement, ParticipantsInvited, TopicPutOnAgenda, VoteCast, VoteChoice,
    VoteClosed, VoteOpened,
)
from .refusals import no_quorum, refusal
from .status import DECIDED, MeetingStatus, TopicStatus

if TYPE_CHECKING:
    from .meeting import Meeting, TopicState

MAX_TEXT = 5000
MIN_TEXT = 5
_COMMUNITY_ID = re.compile(r"^[0-9]{12}$")  # ASCII only: \d would take full-width digits


def decide_schedule(meeting: "Meeting", command: c.ScheduleMeeting, now: datetime) -> MeetingConvened:
    """召集会议: a new meeting whose agenda holds only researched topics of its community."""
    if meeting.status is not MeetingStatus.unscheduled:
        raise refusal("already_scheduled")
    if command.scheduled_for.tzinfo is None:
        raise refusal("naive_time", INVALID)
    if not _COMMUNITY_ID.match(command.community_id):
        raise refusal("invalid_community", INVALID)
    if not command.agenda:
        raise refusal("empty_agenda", INVALID)
    if len(set(command.agenda)) != len(command.agenda):
        raise refusal("topic_already_on_agenda")
    candidates = [_of_community(command.candidates.get(t), command.community_id) for t in command.agenda]
    if any(candidate is not None and candidate.decided for candidate in candidates):
        raise refusal("topic_decided")
    if not all(candidate is not None and candidate.researched for candidate in candidates):
        raise refusal("topic_not_researched")
    return MeetingConvened(
        meeting_id=command.meeting_id,
        community_id=command.community_id,
        council_id=command.council_id,
        chair_id=command.chair_id,
        scheduled_for=command.scheduled_for,
        place=command.place,
        agenda=tuple(command.agenda),
        rules=command.rules,
        at=now,
        chair_name=command.chair_name,
    )


def _of_community(candidate: AgendaCandidate | None, community_id: str) -> AgendaCandidate | None:
    """Another community's topic is not one this meeting knows."""
    return candidate if candidate is not None and candidate.community_id == community_id else None


def _may_join(meeting: "Meeting", command: c.PutOnAgenda) -> None:
    meeting.require_status(MeetingStatus.scheduled)
    if command.topic_id in meeting.topics:
        raise refusal("topic_already_on_agenda")
    candidate = _of_community(command.candidate, meeting.community_id)
    if candidate is not None and candidate.decided:
        raise refusal("topic_decided")
    if candidate is None or candidate.topic_id != command.topic_id or not candidate.researched:
        raise refusal("topic_not_researched")


def decide_in_session(meeting: "Meeting", command: c.Command, now: datetime) -> list[object]:
    """Every command but scheduling: before the meeting opens, while it sits, and closing it."""
    mid = meeting.meeting_id
    match command:
        case c.PutOnAgenda():
            _may_join(meeting, command)
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
            named = tuple(m for m in command.named if m.member_id in command.fixed_members)
            return [ParticipantsInvited(mid, frozenset(command.fixed_members), tuple(command.invitees), now, named)]
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
                raise refusal("dissent_length", INVALID)
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
            outcome = AgendaItemDeferred if isinstance(command, c.DeferTopic) else AgendaItemDropped
            return [outcome(mid, command.topic_id, reason, now)]
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
        raise no_quorum(len(meeting.fixed_present), meeting.quorum_required, len(meeting.fixed_members))


def _non_empty(text: str, error: str = "empty_text") -> str:
    stripped = text.strip()
    if not stripped:
        raise refusal(error, INVALID)
    return stripped


def _valid_resolution(text: str, measures: tuple[Measure, ...], now: datetime) -> str:
    stripped = text.strip()
    if not MIN_TEXT <= len(stripped) <= MAX_TEXT:
        raise refusal("resolution_text_length", INVALID)
    if not measures:
        raise refusal("no_measures", INVALID)
    if any(measure.deadline < now.date() for measure in measures):
        raise refusal("deadline_in_past", INVALID)
    return stripped
