"""Events published by the council service (确定议题, 议前调研)."""

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from ..base import AwareDatetime, Event, Text, TopicEvent
from ..codes import Category, ExclusionReason, Feasibility, InviteeKind, MemberCategory, Referral

Explanation = Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=2000)]


class _Decision(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Accepted(_Decision):
    """立项: the topic is taken up, in exactly one of the seven categories."""

    outcome: Literal["accepted"] = "accepted"
    category: Category


class Rejected(_Decision):
    """不予协商: one of the seven exclusion reasons, explained, and referred where it fits."""

    outcome: Literal["rejected"] = "rejected"
    reason: ExclusionReason
    explanation: Explanation
    referral: Referral | None = None
    referral_note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None


class Merged(_Decision):
    """合并: a duplicate of an earlier topic of the same community."""

    outcome: Literal["merged"] = "merged"
    merged_into: UUID
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None


class Returned(_Decision):
    """退回补充: sent back to the submitter for details."""

    outcome: Literal["returned"] = "returned"
    details_requested: Explanation


ScreeningDecision = Annotated[Accepted | Rejected | Merged | Returned, Field(discriminator="outcome")]


class TopicScreened(TopicEvent):
    """The council screened a topic (确定议题) — step 2."""

    type_name = "yishi.TopicScreened"
    version = 1

    council_id: UUID
    decision: ScreeningDecision
    screened_by: Text
    """The member id of the screener (the chair signs screening)."""
    screened_at: AwareDatetime

    @model_validator(mode="after")
    def _not_merged_into_itself(self) -> "TopicScreened":
        if isinstance(self.decision, Merged) and self.decision.merged_into == self.topic_id:
            raise ValueError("a topic cannot be merged into itself (议题不能合并到自身)")
        return self


class SiteVisit(BaseModel):
    """实地调研: one visit to the place the topic concerns."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    visited_on: date
    place: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    notes: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class Invitee(BaseModel):
    """The "X" of 1+7+X for one topic: a stakeholder or a community station, by role.

    Described by role or organisation, never by a private person's contact data.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    kind: InviteeKind
    description: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=120)]


class ResearchCompleted(TopicEvent):
    """The pre-meeting research is done (议前调研) — step 3. "不调研不协商": no meeting without it."""

    type_name = "yishi.ResearchCompleted"
    version = 1

    council_id: UUID
    researchers: list[Text] = Field(min_length=1)
    """Member ids of the fixed members who did the research."""
    site_visits: list[SiteVisit] = Field(min_length=1)
    findings: Explanation
    feasibility: Feasibility
    consultation_plan: Explanation
    """议事方案: the draft plan the meeting will consult on."""
    invitees: list[Invitee] = Field(default_factory=list)
    completed_at: AwareDatetime



class CouncilMember(BaseModel):
    """A confirmed fixed member (经党委确认的固定成员) as the public sees them."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    member_id: Text
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    category: MemberCategory
    term_start: date
    term_end: date


class CouncilCompositionChanged(Event):
    """The council's chair or confirmed fixed members changed (1+7+X): the whole roster, as now.

    Its stream and key is the council id. A snapshot, so a subscriber keeps only the latest.
    """

    type_name = "yishi.CouncilCompositionChanged"
    version = 1

    council_id: UUID
    chair_id: str | None = None
    chair_name: str | None = None
    fixed_members: list[CouncilMember] = Field(default_factory=list)
    changed_at: AwareDatetime

    def subject(self) -> str:
        return str(self.council_id)


class ResearchReopened(TopicEvent):
    """Research starts again: the meeting deferred the topic, or an objection was upheld."""

    type_name = "yishi.ResearchReopened"
    version = 1

    council_id: UUID
    cause: Literal["deferred_by_meeting", "objection_upheld"]
    reason: Explanation
    reopened_at: AwareDatetime
