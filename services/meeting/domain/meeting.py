"""The meeting aggregate (协商议事会议), event-sourced; its stream is the meeting id.

A frozen value folded from its stream: ``fold`` rebuilds it, ``apply`` returns the meeting
with one more event, and ``decide`` is a pure decision — the events a command causes, or
``MeetingRefused`` — that never changes the meeting. An empty stream folds into the
unscheduled meeting, the state before 召集.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from yishi_contracts import Attendance, DecisionMethod, Measure, ResolutionAdopted, Tally

from services.kit.refusal import INVALID

from . import commands as c
from .decisions import decide_in_session, decide_schedule
from .events import (
    AgendaItemDeferred, AgendaItemDropped, AttendanceRecorded, DissentRecorded, Guest, MeetingClosed, MeetingConvened,
    MeetingOpened, MinutesEntryRecorded, Movement, NamedMember, ParticipantsInvited, Role, TopicPutOnAgenda, VoteCast,
    VoteChoice, VoteClosed, VoteOpened,
)
from .public import COMPANIONS
from .refusals import refusal
from .rules import MeetingRules
from .status import DECIDED, MeetingStatus, TopicStatus


@dataclass(frozen=True)
class TopicState:
    """One agenda topic within the meeting."""

    status: TopicStatus = TopicStatus.pending
    motion: VoteOpened | None = None
    votes: Mapping[str, VoteChoice] = field(default_factory=dict)
    dissent: tuple[str, ...] = ()


@dataclass(frozen=True)
class Meeting:
    """协商议事会议: schedule, invite, attend, open, minute, decide per topic, close."""

    status: MeetingStatus = MeetingStatus.unscheduled
    convened: MeetingConvened | None = None
    rules: MeetingRules = field(default_factory=MeetingRules)
    topics: Mapping[UUID, TopicState] = field(default_factory=dict)
    fixed_members: frozenset[str] = frozenset()
    guests: Mapping[str, Guest] = field(default_factory=dict)
    present: Mapping[str, Role] = field(default_factory=dict)
    minutes: tuple[MinutesEntryRecorded, ...] = ()
    named: Mapping[str, NamedMember] = field(default_factory=dict)
    """The fixed members' names as the roster had them when they were invited."""

    @classmethod
    def fold(cls, events: Iterable[object]) -> "Meeting":
        return cls().apply_all(events)

    # -- reading ------------------------------------------------------------------------

    @property
    def meeting_id(self) -> UUID:
        return self._convened().meeting_id

    @property
    def community_id(self) -> str:
        return self._convened().community_id

    def _convened(self) -> MeetingConvened:
        if self.convened is None:
            raise refusal("not_scheduled")
        return self.convened

    @property
    def fixed_present(self) -> frozenset[str]:
        return frozenset(p for p, role in self.present.items() if role is Role.fixed_member)

    @property
    def quorum_met(self) -> bool:
        """Quorum counts the council's fixed members only, never the chair or invitees."""
        return self.rules.quorum_met(len(self.fixed_present), len(self.fixed_members))

    @property
    def quorum_required(self) -> int:
        """The fewest fixed members present that make a quorum under the meeting's rules."""
        return self.rules.quorum_required(len(self.fixed_members))

    def attendance(self) -> Attendance:
        invitees = sum(1 for role in self.present.values() if role is Role.invitee)
        return Attendance(
            fixed_members_total=len(self.fixed_members),
            fixed_members_present=len(self.fixed_present),
            invitees_present=invitees,
        )

    @property
    def chair_presiding(self) -> bool:
        """The chair presides (主持) from the opening for as long as they are present."""
        opened = self.status in (MeetingStatus.open, MeetingStatus.closed)
        return opened and self._convened().chair_id in self.present

    def role_of(self, person_id: str) -> Role | None:
        if person_id in self.fixed_members:
            return Role.fixed_member
        if self.convened is not None and person_id == self.convened.chair_id:
            return Role.chair
        if person_id in self.guests:
            return Role.invitee
        return None

    # -- folding ------------------------------------------------------------------------

    def apply_all(self, events: Iterable[object]) -> "Meeting":
        meeting = self
        for event in events:
            meeting = meeting.apply(event)
        return meeting

    def apply(self, event: object) -> "Meeting":
        """This meeting with one more event of its stream."""
        match event:
            case MeetingConvened():
                return replace(self, status=MeetingStatus.scheduled, convened=event, rules=event.rules,
                               topics={topic: TopicState() for topic in event.agenda})
            case TopicPutOnAgenda():
                return replace(self, topics={**self.topics, event.topic_id: TopicState()})
            case ParticipantsInvited():
                guests = {**self.guests, **{guest.person_id: guest for guest in event.invitees}}
                named = {**self.named, **{member.member_id: member for member in event.named}}
                return replace(self, fixed_members=event.fixed_members, guests=guests, named=named)
            case AttendanceRecorded(movement=Movement.arrived):
                return replace(self, present={**self.present, event.person_id: event.role})
            case AttendanceRecorded(movement=Movement.left):
                return replace(self, present={p: r for p, r in self.present.items() if p != event.person_id})
            case MeetingOpened():
                # Only the chair opens a meeting, and whoever opens it presides: the chair is
                # present from then on whether or not staff signed them in.
                chair = self._convened().chair_id
                return replace(self, status=MeetingStatus.open, present={chair: Role.chair, **self.present})
            case MinutesEntryRecorded():
                return replace(self, minutes=(*self.minutes, event))
            case DissentRecorded():
                return self._topic(event.topic_id, dissent=(*self.topics[event.topic_id].dissent, event.opinion))
            case VoteOpened():
                return self._topic(event.topic_id, status=TopicStatus.voting, motion=event)
            case VoteCast():
                votes = {**self.topics[event.topic_id].votes, event.member_id: event.choice}
                return self._topic(event.topic_id, votes=votes)
            case VoteClosed():
                return self._topic(event.topic_id, status=TopicStatus.adopted if event.adopted else TopicStatus.not_adopted)
            case ResolutionAdopted():
                return self._topic(event.topic_id, status=TopicStatus.adopted)
            case AgendaItemDeferred():
                return self._topic(event.topic_id, status=TopicStatus.deferred)
            case AgendaItemDropped():
                return self._topic(event.topic_id, status=TopicStatus.dropped)
            case MeetingClosed():
                return replace(self, status=MeetingStatus.closed)
            case _ if isinstance(event, COMPANIONS):
                return self  # the public side of a private fact already folded
        raise TypeError(f"not a meeting event: {type(event).__name__}")

    def _topic(self, topic_id: UUID, **changes: Any) -> "Meeting":
        return replace(self, topics={**self.topics, topic_id: replace(self.topics[topic_id], **changes)})

    # -- deciding -----------------------------------------------------------------------

    def decide(self, command: c.Command, *, now: datetime) -> list[object]:
        """The events the command causes, or ``MeetingRefused``. Does not change the meeting."""
        if now.tzinfo is None:
            raise refusal("naive_time", INVALID)
        if isinstance(command, c.ScheduleMeeting):
            return [decide_schedule(self, command, now)]
        return decide_in_session(self, command, now)

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
        convened = self._convened()
        return ResolutionAdopted(
            topic_id=topic_id,
            community_id=convened.community_id,
            meeting_id=convened.meeting_id,
            resolution_id=resolution_id,
            text=text,
            measures=list(measures),
            method=DecisionMethod.consensus if tally is None else DecisionMethod.vote,
            tally=tally,
            attendance=self.attendance(),
            dissent=list(self.topics[topic_id].dissent),
            adopted_at=now,
        )
