"""Request and response bodies of meeting's HTTP API."""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints
from yishi_contracts import CommunityId, InviteeKind, Measure
from yishi_contracts.base import OneLine, Paragraphs

from yishi_contracts.lifecycle import Status

from ..domain import CONSULTATION_ROOM, EntryKind, Invitation, Movement, VoteChoice
from ..domain import AgendaCandidate as Candidate

PersonId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), OneLine]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=5000), Paragraphs]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000), Paragraphs]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), OneLine]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AgendaCandidate(BaseModel):
    """A researched topic a meeting may take up, with its consultation plan (议事方案)."""

    topic_id: UUID
    title: str | None
    category: str | None
    feasibility: str
    consultation_plan: str
    invitees: list[dict[str, Any]]
    researched_at: datetime
    status: Status = Field(description="where the topic stands in its life (yishi_contracts.lifecycle)")

    @classmethod
    def of(cls, candidate: Candidate) -> "AgendaCandidate":
        return cls(
            topic_id=candidate.topic_id, title=candidate.title, category=candidate.category,
            feasibility=candidate.feasibility, consultation_plan=candidate.consultation_plan,
            invitees=[i.model_dump(mode="json") for i in candidate.invitees], researched_at=candidate.researched_at,
            status=candidate.status,
        )


class ScheduleBody(_Body):
    community_id: CommunityId
    scheduled_for: AwareDatetime
    place: Short = CONSULTATION_ROOM
    agenda: list[UUID] = Field(min_length=1, max_length=20, description="议题 topic ids")


class InviteeBody(_Body):
    topic_id: UUID
    kind: InviteeKind
    description: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=120), OneLine]
    person_id: PersonId | None = None

    def invitation(self) -> Invitation:
        return Invitation(self.topic_id, self.kind, self.description, self.person_id)


class InvitationsBody(_Body):
    fixed_members: list[PersonId] | None = Field(default=None, max_length=50)
    invitees: list[InviteeBody] = Field(default_factory=list, max_length=50)


class AttendanceBody(_Body):
    person_id: PersonId
    movement: Movement


class MinutesBody(_Body):
    topic_id: UUID
    speaker_id: PersonId
    kind: EntryKind
    text: Text


class DissentBody(_Body):
    member_id: PersonId | None = Field(default=None, description="omitted: the member calling")
    opinion: Text


class MeasureIn(Measure):
    """A measure as a request names it: the contract's, its texts checked as one line each."""

    description: Short
    responsible_party: Short


class ResolutionBody(_Body):
    text: Text
    measures: list[MeasureIn] = Field(min_length=1, max_length=50)


class VoteBody(_Body):
    member_id: PersonId | None = Field(default=None, description="omitted: the member calling votes as themselves")
    choice: VoteChoice


class ReasonBody(_Body):
    reason: Reason
