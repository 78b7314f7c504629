"""The meeting aggregate (协商议事会议), event-sourced; its stream is the meeting id.

``decide`` checks a command against the current state and returns the events it causes
(or raises ``MeetingRefused``); ``apply`` folds one event into the state; ``execute`` does
both. The state is only ever changed by ``apply``, so replaying the stream rebuilds it.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from yishi_contracts import Attendance, DecisionMethod, Measure, ResolutionAdopted, Tally

from . import commands as c
from .decisions import decide_in_session
from .public import COMPANIONS
from .events import (
    AttendanceRecorded, DissentRecorded, Guest, MeetingClosed, MeetingOpened, MeetingScheduled, MinutesEntryRecorded,
    Movement, ParticipantsInvited, Role, TopicDeferred, TopicDropped, TopicPutOnAgenda, VoteCast, VoteChoice,
    VoteClosed, VoteOpened,
)
from .refusals import refusal
from .rules import MeetingRules
from .status import DECIDED, MeetingStatus, TopicStatus

_COMMUNITY_ID = re.compile(r"^\d{12}$")


@dataclass
class TopicState:
    """One agenda topic within the meeting."""

    status: TopicStatus = TopicStatus.pending
    motion: VoteOpened | None = None
    votes: dict[str, VoteChoice] = field(default_factory=dict)
    dissent: list[str] = field(default_factory=list)


class Meeting:
    """协商议事会议: schedule, invite, attend, open, minute, decide per topic, close."""

    def __init__(self) -> None:
        self.status = MeetingStatus.unscheduled
        self.scheduled: MeetingScheduled | None = None
        self.rules = MeetingRules()
        self.topics: dict[UUID, TopicState] = {}
        self.fixed_members: frozenset[str] = frozenset()
        self.guests: dict[str, Guest] = {}
        self.present: dict[str, Role] = {}
        self.minutes: list[MinutesEntryRecorded] = []

    @classmethod
    def replay(cls, events: Iterable[object]) -> "Meeting":
        meeting = cls()
        for event in events:
            meeting.apply(event)
        return meeting

    # -- reading ------------------------------------------------------------------------

    @property
    def meeting_id(self) -> UUID:
        if self.scheduled is None:
            raise refusal("not_scheduled")
        return self.scheduled.meeting_id

    @property
    def fixed_present(self) -> frozenset[str]:
        return frozenset(p for p, role in self.present.items() if role is Role.fixed_member)

    @property
    def quorum_met(self) -> bool:
        """Quorum counts the council's fixed members only, never the chair or invitees."""
        return self.rules.quorum_met(len(self.fixed_present), len(self.fixed_members))

    def attendance(self) -> Attendance:
        invitees = sum(1 for role in self.present.values() if role is Role.invitee)
        return Attendance(
            fixed_members_total=len(self.fixed_members),
            fixed_members_present=len(self.fixed_present),
            invitees_present=invitees,
        )

    def role_of(self, person_id: str) -> Role | None:
        if person_id in self.fixed_members:
            return Role.fixed_member
        if self.scheduled is not None and person_id == self.scheduled.chair_id:
            return Role.chair
        if person_id in self.guests:
            return Role.invitee
        return None

    # -- folding ------------------------------------------------------------------------

    def apply(self, event: object) -> None:
        match event:
            case MeetingScheduled():
                self.status, self.scheduled, self.rules = MeetingStatus.scheduled, event, event.rules
                self.topics = {topic: TopicState() for topic in event.agenda}
            case TopicPutOnAgenda():
                self.topics[event.topic_id] = TopicState()
            case ParticipantsInvited():
                self.fixed_members = event.fixed_members
                self.guests.update({guest.person_id: guest for guest in event.invitees})
            case AttendanceRecorded(movement=Movement.arrived):
                self.present[event.person_id] = event.role
            case AttendanceRecorded(movement=Movement.left):
                self.present.pop(event.person_id, None)
            case MeetingOpened():
                self.status = MeetingStatus.open
            case MinutesEntryRecorded():
                self.minutes.append(event)
            case DissentRecorded():
                self.topics[event.topic_id].dissent.append(event.opinion)
            case VoteOpened():
                self.topics[event.topic_id].status, self.topics[event.topic_id].motion = TopicStatus.voting, event
            case VoteCast():
                self.topics[event.topic_id].votes[event.member_id] = event.choice
            case VoteClosed():
                self.topics[event.topic_id].status = TopicStatus.adopted if event.adopted else TopicStatus.not_adopted
            case ResolutionAdopted():
                self.topics[event.topic_id].status = TopicStatus.adopted
            case TopicDeferred():
                self.topics[event.topic_id].status = TopicStatus.deferred
            case TopicDropped():
                self.topics[event.topic_id].status = TopicStatus.dropped
            case MeetingClosed():
                self.status = MeetingStatus.closed
            case _ if isinstance(event, COMPANIONS):
                pass  # the public side of a private fact already folded
            case _:
                raise TypeError(f"not a meeting event: {type(event).__name__}")

    def execute(self, command: c.Command, *, now: datetime) -> list[object]:
        """Decide the command and fold its events into this meeting."""
        events = self.decide(command, now=now)
        for event in events:
            self.apply(event)
        return events

    # -- deciding -----------------------------------------------------------------------

    def decide(self, command: c.Command, *, now: datetime) -> list[object]:
        """The events the command causes, or ``MeetingRefused``. Does not change the state."""
        if now.tzinfo is None:
            raise refusal("naive_time")
        if isinstance(command, c.ScheduleMeeting):
            return [self._schedule(command, now)]
        return decide_in_session(self, command, now)

    def _schedule(self, command: c.ScheduleMeeting, now: datetime) -> MeetingScheduled:
        if self.status is not MeetingStatus.unscheduled:
            raise refusal("already_scheduled")
        if command.scheduled_for.tzinfo is None:
            raise refusal("naive_time")
        if not _COMMUNITY_ID.match(command.community_id):
            raise refusal("invalid_community")
        if not command.agenda:
            raise refusal("empty_agenda")
        if len(set(command.agenda)) != len(command.agenda):
            raise refusal("topic_already_on_agenda")
        if not set(command.agenda) <= command.researched:
            raise refusal("topic_not_researched")
        return MeetingScheduled(
            meeting_id=command.meeting_id,
            community_id=command.community_id,
            council_id=command.council_id,
            chair_id=command.chair_id,
            scheduled_for=command.scheduled_for,
            place=command.place,
            agenda=tuple(command.agenda),
            rules=command.rules,
            at=now,
        )

    def require_status(self, wanted: MeetingStatus) -> None:
        if self.status is wanted:
            return
        if self.status is MeetingStatus.unscheduled:
            raise refusal("not_scheduled")
        if self.status is MeetingStatus.closed:
            raise refusal("meeting_closed")
        raise refusal("meeting_not_open" if wanted is MeetingStatus.open else "meeting_already_opened")

    def undecided_topic(self, topic_id: UUID) -> TopicState:
        """The topic on the open meeting's agenda, refusing if it already has an outcome."""
        self.require_status(MeetingStatus.open)
        topic = self.topics.get(topic_id)
        if topic is None:
            raise refusal("topic_not_on_agenda")
        if topic.status in DECIDED:
            raise refusal("topic_decided")
        return topic

    def resolution(
        self, topic_id: UUID, resolution_id: UUID, text: str, measures: tuple[Measure, ...], tally: Tally | None,
        now: datetime,
    ) -> ResolutionAdopted:
        """The public event for an adopted resolution on a topic."""
        assert self.scheduled is not None
        return ResolutionAdopted(
            topic_id=topic_id,
            community_id=self.scheduled.community_id,
            meeting_id=self.scheduled.meeting_id,
            resolution_id=resolution_id,
            text=text,
            measures=list(measures),
            method=DecisionMethod.consensus if tally is None else DecisionMethod.vote,
            tally=tally,
            attendance=self.attendance(),
            dissent=list(self.topics[topic_id].dissent),
            adopted_at=now,
        )
