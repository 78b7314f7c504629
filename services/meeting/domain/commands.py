"""What may be asked of a meeting (会议指令). Each is decided by ``Meeting.decide``."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID, uuid4

from yishi_contracts import Measure

from .agenda import AgendaCandidate
from .events import CONSULTATION_ROOM, EntryKind, Guest, NamedMember, VoteChoice
from .rules import MeetingRules


@dataclass(frozen=True)
class ScheduleMeeting:
    """召集会议. ``candidates`` are what is known of the agenda's topics (不调研不协商)."""

    meeting_id: UUID
    community_id: str
    council_id: UUID
    chair_id: str
    scheduled_for: datetime
    agenda: tuple[UUID, ...]
    candidates: Mapping[UUID, AgendaCandidate]
    place: str = CONSULTATION_ROOM
    rules: MeetingRules = field(default_factory=MeetingRules)
    chair_name: str | None = None


@dataclass(frozen=True)
class PutOnAgenda:
    """列入议程 before the meeting opens; ``candidate`` is what is known of the topic, if anything."""

    topic_id: UUID
    candidate: AgendaCandidate | None


@dataclass(frozen=True)
class InviteParticipants:
    """邀请: the council's fixed members (the whole roster) and the invitees (X)."""

    fixed_members: frozenset[str]
    invitees: tuple[Guest, ...] = ()
    named: tuple[NamedMember, ...] = ()
    """The roster's names of (some of) the fixed members; a name for anyone else is ignored."""


@dataclass(frozen=True)
class RecordArrival:
    """签到."""

    person_id: str


@dataclass(frozen=True)
class RecordDeparture:
    """离场."""

    person_id: str


@dataclass(frozen=True)
class OpenMeeting:
    """宣布开会 (needs a quorum)."""


@dataclass(frozen=True)
class RecordMinutesEntry:
    """记录发言、提问、解答、辩论、讨论."""

    topic_id: UUID
    speaker_id: str
    kind: EntryKind
    text: str


@dataclass(frozen=True)
class RecordDissent:
    """记录少数意见."""

    topic_id: UUID
    member_id: str
    opinion: str


@dataclass(frozen=True)
class AdoptByConsensus:
    """协商一致形成决议."""

    topic_id: UUID
    text: str
    measures: tuple[Measure, ...]
    resolution_id: UUID = field(default_factory=uuid4)


@dataclass(frozen=True)
class OpenVote:
    """协商未能一致，将决议草案付诸表决."""

    topic_id: UUID
    text: str
    measures: tuple[Measure, ...]
    resolution_id: UUID = field(default_factory=uuid4)


@dataclass(frozen=True)
class CastVote:
    """投票."""

    topic_id: UUID
    member_id: str
    choice: VoteChoice


@dataclass(frozen=True)
class CloseVote:
    """计票并宣布结果."""

    topic_id: UUID


@dataclass(frozen=True)
class DeferTopic:
    """暂缓，退回议前调研."""

    topic_id: UUID
    reason: str


@dataclass(frozen=True)
class DropTopic:
    """撤销议题."""

    topic_id: UUID
    reason: str


@dataclass(frozen=True)
class CloseMeeting:
    """闭会."""


Command = (
    ScheduleMeeting | PutOnAgenda | InviteParticipants | RecordArrival | RecordDeparture | OpenMeeting
    | RecordMinutesEntry | RecordDissent | AdoptByConsensus | OpenVote | CastVote | CloseVote
    | DeferTopic | DropTopic | CloseMeeting
)
