"""A consultation topic's life along the six steps (六步议事程序), once for every reader.

Each public event about a topic marks one status; a topic's current status is the one
marked by its latest event in time, ties going to the status later in the procedure.
The procedure loops (deferred back to research, returned by an objection, reopened after
a "不满意"), and events from different Kafka topics arrive in any order, so the status is
derived from the steps seen — never from the order they arrived in. Every service and any
outside subscriber derive it with :func:`status_of` from the same table.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any

from .events.council import ResearchCompleted, ResearchReopened, TopicScreened
from .events.intake import TopicResubmitted, TopicSubmitted
from .events.meeting import MeetingScheduled, ResolutionAdopted, TopicDeferred, TopicDropped
from .events.publication import (
    DisclosureStarted,
    ImplementationCompleted,
    ImplementationReopened,
    ImplementationStarted,
    MatterEscalated,
    TopicClosed,
    TopicReturnedToCouncil,
)


class Step(IntEnum):
    """The six steps of the procedure (六步议事程序)."""

    collect = 1  # 收集议题
    determine = 2  # 确定议题
    research = 3  # 议前调研
    consult = 4  # 组织协商
    publish = 5  # 公开公示
    implement = 6  # 组织落实


STEP_LABELS: dict[Step, tuple[str, str]] = {
    Step.collect: ("收集议题", "collect"),
    Step.determine: ("确定议题", "determine"),
    Step.research: ("议前调研", "research"),
    Step.consult: ("组织协商", "consult"),
    Step.publish: ("公开公示", "publish"),
    Step.implement: ("组织落实", "implement"),
}


class Status(StrEnum):
    """Where a topic stands; declared in the order of the procedure (the tie-break)."""

    submitted = "submitted"
    resubmitted = "resubmitted"
    returned = "returned"
    rejected = "rejected"
    merged = "merged"
    accepted = "accepted"
    researched = "researched"
    researching = "researching"
    scheduled = "scheduled"
    deferred = "deferred"
    dropped = "dropped"
    resolved = "resolved"
    in_disclosure = "in_disclosure"
    returned_to_council = "returned_to_council"
    implementing = "implementing"
    reopened = "reopened"
    implemented = "implemented"
    closed = "closed"
    escalated = "escalated"


@dataclass(frozen=True)
class StatusInfo:
    status: Status
    step: Step
    label_zh: str
    label_en: str
    marked_by: str
    """The CloudEvents type of the event that marks this status."""
    final: bool = False
    """Nothing more happens to the topic unless it is taken up again."""


def _info(status: Status, step: Step, zh: str, en: str, event: type, final: bool = False) -> StatusInfo:
    return StatusInfo(status, step, zh, en, event.cloudevent_type(), final)  # type: ignore[attr-defined]


S = Status
STATUSES: dict[Status, StatusInfo] = {
    i.status: i
    for i in (
        _info(S.submitted, Step.collect, "已收集，待确定议题", "received, awaiting screening", TopicSubmitted),
        _info(S.resubmitted, Step.collect, "已补充材料，待重新确定议题", "details added, awaiting screening", TopicResubmitted),
        _info(S.returned, Step.determine, "退回补充材料", "returned for details", TopicScreened),
        _info(S.rejected, Step.determine, "不予协商", "not taken up", TopicScreened, final=True),
        _info(S.merged, Step.determine, "已合并到其他议题", "merged into another topic", TopicScreened, final=True),
        _info(S.accepted, Step.determine, "已立项，议前调研中", "accepted, research under way", TopicScreened),
        _info(S.researched, Step.research, "议前调研已完成，待协商", "researched, awaiting a meeting", ResearchCompleted),
        _info(S.researching, Step.research, "重新调研", "research reopened", ResearchReopened),
        _info(S.scheduled, Step.consult, "已列入协商议事会议", "on a meeting's agenda", MeetingScheduled),
        _info(S.deferred, Step.consult, "暂缓协商，退回调研", "deferred, back to research", TopicDeferred),
        _info(S.dropped, Step.consult, "不再协商", "dropped", TopicDropped, final=True),
        _info(S.resolved, Step.consult, "已形成协商意见", "resolution adopted", ResolutionAdopted),
        _info(S.in_disclosure, Step.publish, "公示中，可提出异议", "on public disclosure", DisclosureStarted),
        _info(S.returned_to_council, Step.publish, "异议成立，退回协商议事会", "objection upheld, back to the council",
              TopicReturnedToCouncil),
        _info(S.implementing, Step.implement, "组织落实中", "being implemented", ImplementationStarted),
        _info(S.reopened, Step.implement, "群众不满意，重新办理", "reopened after dissatisfaction", ImplementationReopened),
        _info(S.implemented, Step.implement, "已落实，待满意度测评", "implemented, awaiting ratings", ImplementationCompleted),
        _info(S.closed, Step.implement, "已办结", "closed", TopicClosed, final=True),
        _info(S.escalated, Step.implement, "已转化上报县政协", "escalated to the county CPPCC", MatterEscalated, final=True),
    )
}
_ORDER = {status: rank for rank, status in enumerate(Status)}

_MARKS: dict[type, Status] = {
    TopicSubmitted: S.submitted,
    TopicResubmitted: S.resubmitted,
    ResearchReopened: S.researching,
    ResearchCompleted: S.researched,
    MeetingScheduled: S.scheduled,
    TopicDeferred: S.deferred,
    TopicDropped: S.dropped,
    ResolutionAdopted: S.resolved,
    DisclosureStarted: S.in_disclosure,
    TopicReturnedToCouncil: S.returned_to_council,
    ImplementationStarted: S.implementing,
    ImplementationReopened: S.reopened,
    ImplementationCompleted: S.implemented,
    TopicClosed: S.closed,
    MatterEscalated: S.escalated,
}
LIFECYCLE_EVENTS: tuple[type, ...] = (*_MARKS, TopicScreened)
"""Every public event type that moves a topic along its life."""


def status_marked_by(event: Any) -> Status | None:
    """The status an event marks for its topic(s), or None for an event outside the life."""
    if isinstance(event, TopicScreened):
        return Status(event.decision.outcome)
    return _MARKS.get(type(event))


def later(a: tuple[datetime, Status], b: tuple[datetime, Status]) -> tuple[datetime, Status]:
    """The later of two steps: by time, then by the procedure's order."""
    return a if (a[0], _ORDER[a[1]]) >= (b[0], _ORDER[b[1]]) else b


def status_of(steps: Iterable[tuple[datetime, Status | str]]) -> Status | None:
    """The current status from the steps seen, ``(time, status)``, in any order."""
    best: tuple[datetime, Status] | None = None
    for at, status in steps:
        step = (at, Status(status))
        best = step if best is None else later(step, best)
    return best[1] if best else None


def label(status: Status | str) -> str:
    """What a resident reads for a status (Chinese)."""
    return STATUSES[Status(status)].label_zh


def procedure_rank(status: Status | str) -> int:
    """The position of a status in the procedure (the tie-break), e.g. for an SQL ``ORDER BY``."""
    return _ORDER[Status(status)]
