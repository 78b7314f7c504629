"""Which topics a meeting may take up (议题列入议程): "不调研不协商", no consultation without research.

An ``AgendaCandidate`` is what the meeting service knows of one topic from the public
events: its title and category, its latest research, and the latest time of each step of
its life the meeting service sees. Its status is the topic lifecycle's
(``yishi_contracts.lifecycle``), derived from those steps whatever order they arrived in,
so a reopening that arrives before the research it reopens still counts.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID

from yishi_contracts import Invitee
from yishi_contracts.lifecycle import Status, status_of

STEPS = (Status.researched, Status.researching, Status.scheduled, Status.deferred, Status.resolved, Status.dropped)
"""The steps of a topic's life the meeting service keeps, each by its latest time."""

DECIDED_BY_A_MEETING = frozenset({Status.resolved, Status.dropped})


@dataclass(frozen=True)
class AgendaCandidate:
    """One topic as a meeting sees it: its research (议事方案) and the steps of its life."""

    topic_id: UUID
    community_id: str
    title: str | None = None
    category: str | None = None
    feasibility: str | None = None
    consultation_plan: str | None = None
    invitees: tuple[Invitee, ...] = ()
    """The stakeholders and stations (X) the research names, to invite with the topic."""
    steps: Mapping[Status, datetime] = field(default_factory=dict)
    """The latest time of each step in ``STEPS`` seen so far."""

    @property
    def status(self) -> Status | None:
        """Where the topic stands, as far as the meeting service sees (the lifecycle's status)."""
        return status_of((at, status) for status, at in self.steps.items())

    @property
    def researched_at(self) -> datetime | None:
        return self.steps.get(Status.researched)

    @property
    def _research_standing(self) -> Status | None:
        """The latest step that completes research or undoes it; being put on an agenda does neither."""
        return status_of((at, status) for status, at in self.steps.items() if status is not Status.scheduled)

    @property
    def researched(self) -> bool:
        """不调研不协商: the topic may go on a meeting's agenda only while its research stands.

        True only with a completed research (ResearchCompleted) that nothing since has
        undone: no later reopening (ResearchReopened), deferral back to research, resolution
        or dropping. On equal times the later step of the procedure wins, so a reopening at
        the same instant undoes it; being put on another meeting's agenda does not.
        """
        return self._research_standing is Status.researched

    @property
    def decided(self) -> bool:
        """A meeting has resolved or dropped the topic since its latest research."""
        return self._research_standing in DECIDED_BY_A_MEETING

    def seen(self, status: Status, at: datetime) -> "AgendaCandidate":
        """With one more step of the topic's life; the latest time of each step is kept."""
        if status not in STEPS:
            raise ValueError(f"the meeting service does not keep the step {status}")
        earlier = self.steps.get(status)
        return replace(self, steps={**self.steps, status: at if earlier is None else max(earlier, at)})

