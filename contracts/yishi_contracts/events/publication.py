"""Events published by the publication service (公开公示, 组织落实, 成果转化)."""

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, PositiveInt, StringConstraints

from ..base import AwareDatetime, TopicEvent
from ..codes import EscalationGround, EscalationKind, Satisfaction

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=3000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class DisclosureStarted(TopicEvent):
    """The resolution is on the public board for objections until ``ends_at`` (公示)."""

    type_name = "yishi.DisclosureStarted"
    version = 1

    resolution_id: UUID
    published_at: AwareDatetime
    ends_at: AwareDatetime


class ObjectionRaised(TopicEvent):
    """A resident objected to a resolution on the board during disclosure (提出异议). The
    objection's words stay with the board: they are a resident's and may carry personal data."""

    type_name = "yishi.ObjectionRaised"
    version = 1

    objection_id: UUID
    raised_at: AwareDatetime


class ObjectionAssessed(TopicEvent):
    """Staff assessed an objection: substantive (异议成立, the topic then returns to the council)
    or not (异议不成立). No reason: it answers, and often quotes, the resident's words; an upheld
    objection's reason travels in TopicReturnedToCouncil as before."""

    type_name = "yishi.ObjectionAssessed"
    version = 1

    objection_id: UUID
    substantive: bool
    assessed_at: AwareDatetime


class TopicReturnedToCouncil(TopicEvent):
    """A substantive objection during disclosure sent the topic back to the council (异议成立)."""

    type_name = "yishi.TopicReturnedToCouncil"
    version = 1

    resolution_id: UUID
    objection: Reason
    assessment: Reason
    returned_at: AwareDatetime


class ImplementationTask(BaseModel):
    """One task of an implementation: what, who answers for it, by when (落实任务)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    task_id: UUID
    description: ShortText
    responsible_party: ShortText
    deadline: date


class ImplementationStarted(TopicEvent):
    """Implementation (组织落实) began, or began again after reopening: round and tasks."""

    type_name = "yishi.ImplementationStarted"
    version = 1

    round: PositiveInt
    tasks: list[ImplementationTask] = Field(min_length=1)
    started_at: AwareDatetime


class ImplementationCompleted(TopicEvent):
    """Every task of the round is complete (落实完成)."""

    type_name = "yishi.ImplementationCompleted"
    version = 1

    round: PositiveInt
    on_time: bool
    completed_at: AwareDatetime


class TaskProgressed(TopicEvent):
    """A task's progress was reported (落实进展) or the task completed: its percentage now. The
    report's words stay inside publication (staff read them): they may name people."""

    type_name = "yishi.TaskProgressed"
    version = 1

    task_id: UUID
    round: PositiveInt
    percent: Annotated[int, Field(ge=0, le=100)]
    completed_at: AwareDatetime | None = None
    reported_at: AwareDatetime


class SatisfactionRated(TopicEvent):
    """A resident rated the result (满意度测评); who rated stays inside publication."""

    type_name = "yishi.SatisfactionRated"
    version = 1

    round: PositiveInt
    rating: Satisfaction
    rated_at: AwareDatetime


class Ratings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    satisfied: NonNegativeInt = 0
    basically_satisfied: NonNegativeInt = 0
    dissatisfied: NonNegativeInt = 0


class TopicClosed(TopicEvent):
    """Implemented and accepted by the residents: the topic is closed (办结)."""

    type_name = "yishi.TopicClosed"
    version = 1

    round: PositiveInt
    ratings: Ratings
    closed_at: AwareDatetime


class ImplementationReopened(TopicEvent):
    """Residents were not satisfied: implementation starts again (重新办理)."""

    type_name = "yishi.ImplementationReopened"
    version = 1

    round: PositiveInt
    """The new round."""
    reason: Reason
    ratings: Ratings
    reopened_at: AwareDatetime


class MatterEscalated(TopicEvent):
    """A matter the community cannot settle goes to the county CPPCC (成果转化).

    An outside proposal system subscribes to this event.
    """

    type_name = "yishi.MatterEscalated"
    version = 1

    escalation_id: UUID
    kind: EscalationKind
    ground: EscalationGround
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=3000)]
    addressee: str = "county_cppcc"
    escalated_at: AwareDatetime
