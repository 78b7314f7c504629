"""The meeting's own domain events (会议事件), not public contracts.

The stream is the meeting id. ``ResolutionAdopted`` is the public contract from
``yishi_contracts`` and is emitted as is; everything else here stays inside the service
(stored as ``meeting.<ClassName>.v1``). Where a private fact has a public companion
(``public.py``), the two have different names: ``MeetingConvened`` beside the public
``MeetingScheduled``, ``AgendaItemDeferred``/``AgendaItemDropped`` beside the public
``TopicDeferred``/``TopicDropped``.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from yishi_contracts import InviteeKind, Measure, MemberCategory, Tally

from .rules import MeetingRules

CONSULTATION_ROOM = "协商议事室"


class Role(StrEnum):
    """Who someone is at the meeting (参会身份)."""

    chair = "chair"  # 主席
    fixed_member = "fixed_member"  # 固定成员
    invitee = "invitee"  # 列席的利益相关方/相关站所 (X)


class Movement(StrEnum):
    """签到/离场."""

    arrived = "arrived"  # 到场
    left = "left"  # 离场


class EntryKind(StrEnum):
    """The kind of a minutes entry (会议记录)."""

    statement = "statement"  # 发言
    question = "question"  # 提问
    answer = "answer"  # 解答
    debate = "debate"  # 辩论
    discussion = "discussion"  # 讨论


class VoteChoice(StrEnum):
    """表决意见."""

    in_favour = "in_favour"  # 赞成
    against = "against"  # 反对
    abstain = "abstain"  # 弃权


@dataclass(frozen=True)
class Guest:
    """An invitee (X of 1+7+X) for one topic, by an id and a role description."""

    person_id: str
    topic_id: UUID
    kind: InviteeKind
    description: str


@dataclass(frozen=True)
class NamedMember:
    """A fixed member as the council's roster named them when invited: for the minutes, never for a rule."""

    member_id: str
    name: str
    category: MemberCategory


@dataclass(frozen=True)
class MeetingConvened:
    """召集会议: where, when, which council, which topics, under which rules."""

    meeting_id: UUID
    community_id: str
    council_id: UUID
    chair_id: str
    scheduled_for: datetime
    place: str
    agenda: tuple[UUID, ...]
    rules: MeetingRules
    at: datetime
    chair_name: str | None = None
    """The chair's name on the roster at convening (streams before it was kept have none)."""


@dataclass(frozen=True)
class TopicPutOnAgenda:
    """列入议程: one more researched topic before the meeting opens."""

    meeting_id: UUID
    topic_id: UUID
    at: datetime


@dataclass(frozen=True)
class ParticipantsInvited:
    """邀请参会: the council's fixed members (replacing any earlier roster) and invitees."""

    meeting_id: UUID
    fixed_members: frozenset[str]
    invitees: tuple[Guest, ...]
    at: datetime
    named: tuple[NamedMember, ...] = ()
    """The invited fixed members' names and categories as the roster had them, so the minutes
    show who was there even after the council changes (streams before it was kept have none)."""


@dataclass(frozen=True)
class AttendanceRecorded:
    """签到/离场 of one person."""

    meeting_id: UUID
    person_id: str
    role: Role
    movement: Movement
    at: datetime


@dataclass(frozen=True)
class MeetingOpened:
    """宣布开会, with the quorum that allowed it. The chair opens, so the chair presides: present."""

    meeting_id: UUID
    fixed_members_present: int
    fixed_members_total: int
    at: datetime


@dataclass(frozen=True)
class MinutesEntryRecorded:
    """One numbered entry of the minutes (会议记录); numbers start at 1 and never repeat."""

    meeting_id: UUID
    number: int
    topic_id: UUID
    speaker_id: str
    kind: EntryKind
    text: str
    at: datetime


@dataclass(frozen=True)
class DissentRecorded:
    """少数意见: a dissenting opinion on a topic, carried into its resolution."""

    meeting_id: UUID
    topic_id: UUID
    member_id: str
    opinion: str
    at: datetime


@dataclass(frozen=True)
class VoteOpened:
    """付诸表决: the draft resolution on a topic is put to the vote."""

    meeting_id: UUID
    topic_id: UUID
    resolution_id: UUID
    text: str
    measures: tuple[Measure, ...]
    at: datetime


@dataclass(frozen=True)
class VoteCast:
    """One fixed member's vote."""

    meeting_id: UUID
    topic_id: UUID
    member_id: str
    choice: VoteChoice
    at: datetime


@dataclass(frozen=True)
class VoteClosed:
    """计票: the tally, the base it was measured against, and whether it adopts."""

    meeting_id: UUID
    topic_id: UUID
    tally: Tally
    voting_present: int
    adopted: bool
    at: datetime


@dataclass(frozen=True)
class AgendaItemDeferred:
    """暂缓: the topic goes back to research, with the reason."""

    meeting_id: UUID
    topic_id: UUID
    reason: str
    at: datetime


@dataclass(frozen=True)
class AgendaItemDropped:
    """撤销: the topic is not pursued, with the reason."""

    meeting_id: UUID
    topic_id: UUID
    reason: str
    at: datetime


@dataclass(frozen=True)
class MeetingClosed:
    """闭会: every agenda topic has an outcome."""

    meeting_id: UUID
    at: datetime
