"""Events published by the meeting service (组织协商)."""

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, StringConstraints, model_validator

from ..base import AwareDatetime, Event, TopicEvent
from ..codes import DecisionMethod

LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=5000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Measure(BaseModel):
    """One measure of a resolution: what, who answers for it, by when (落实措施)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    description: ShortText
    responsible_party: ShortText
    deadline: date


class Tally(BaseModel):
    """表决结果 among the voting members present."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    in_favour: NonNegativeInt
    against: NonNegativeInt
    abstain: NonNegativeInt


class Attendance(BaseModel):
    """出席情况: fixed members present of all fixed members, plus invitees (X)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    fixed_members_total: NonNegativeInt
    fixed_members_present: NonNegativeInt
    invitees_present: NonNegativeInt = 0

    @model_validator(mode="after")
    def _present_within_total(self) -> "Attendance":
        if self.fixed_members_present > self.fixed_members_total:
            raise ValueError("more fixed members present than the council has (出席人数超过固定成员总数)")
        return self


class ResolutionAdopted(TopicEvent):
    """The meeting adopted a resolution on a topic (形成协商意见) — end of step 4."""

    type_name = "yishi.ResolutionAdopted"
    version = 1

    meeting_id: UUID
    resolution_id: UUID
    text: LongText
    measures: list[Measure] = Field(min_length=1)
    method: DecisionMethod
    tally: Tally | None = None
    attendance: Attendance
    dissent: list[LongText] = Field(default_factory=list)
    """Dissenting opinions, recorded (少数意见)."""
    adopted_at: AwareDatetime

    @model_validator(mode="after")
    def _tally_matches_method(self) -> "ResolutionAdopted":
        if self.method is DecisionMethod.vote and self.tally is None:
            raise ValueError("a vote needs its tally (表决须有计票结果)")
        if self.method is DecisionMethod.consensus and self.tally is not None:
            raise ValueError("a consensus has no tally (协商一致无需计票)")
        return self



class MeetingScheduled(Event):
    """The chair convened a meeting (召开协商议事会议): when, where, which topics. Keyed by meeting."""

    type_name = "yishi.MeetingScheduled"
    version = 1

    meeting_id: UUID
    council_id: UUID
    scheduled_for: AwareDatetime
    place: ShortText
    topic_ids: list[UUID] = Field(min_length=1)

    def subject(self) -> str:
        return str(self.meeting_id)


class TopicDeferred(TopicEvent):
    """The meeting sent the topic back to research (暂缓，退回调研)."""

    type_name = "yishi.TopicDeferred"
    version = 1

    meeting_id: UUID
    reason: LongText
    deferred_at: AwareDatetime


class TopicDropped(TopicEvent):
    """The meeting dropped the topic (不再协商)."""

    type_name = "yishi.TopicDropped"
    version = 1

    meeting_id: UUID
    reason: LongText
    dropped_at: AwareDatetime
