"""A topic's implementation tasks with their history, for the staff and offices over it: every
task of every round, each with its progress entries (when, by whom, percent, note) and its
completion. The notes are staff's words and may name people: the public topic page shows only
the percent and how many reports there were (``detail.py``).

Folded from the topic's one implementation stream, in a unit of work that records nothing.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from services.kit.auth import Actor
from services.kit.ports import Service

from .. import domain as d
from .config import implementation_stream
from .grace import graces
from .ports import PublicationViews


@dataclass(frozen=True)
class ProgressEntry:
    at: datetime
    by: str | None
    """The reporting actor's id (none for reports recorded before it was kept)."""
    roles: tuple[str, ...]
    percent: int
    note: str | None
    """The report's words; none for the completion."""
    completed: bool = False


@dataclass(frozen=True)
class TaskHistory:
    task_id: UUID
    round: int
    description: str
    responsible_party: str
    deadline: date
    percent: int
    completed_at: datetime | None
    overdue: bool
    entries: list[ProgressEntry] = field(default_factory=list)


@dataclass(frozen=True)
class TopicTasks:
    topic_id: UUID
    community_id: str
    round: int
    status: str
    tasks: list[TaskHistory]


def _entry(event: object) -> tuple[UUID, ProgressEntry] | None:
    if isinstance(event, d.ProgressReported):
        return event.task_id, ProgressEntry(event.reported_at, event.by, tuple(event.roles), event.percent, event.text)
    if isinstance(event, d.TaskCompleted):
        return event.task_id, ProgressEntry(event.completed_at, event.by, tuple(event.roles), 100, None, completed=True)
    return None


async def topic_tasks(service: Service[PublicationViews], actor: Actor, topic_id: UUID) -> TopicTasks:
    now = service.clock.now()
    async with service.commands.units() as uow:
        impl = d.Implementation.fold((await uow.load(implementation_stream(topic_id))).events)
        if impl is None:
            raise d.not_found("该议题的落实情况", "implementation of this topic")
        actor.ensure_community(impl.community_id)
        grace = await graces(uow.views, impl)
    entries: dict[UUID, list[ProgressEntry]] = {}
    for event in impl.events:
        if (found := _entry(event)) is not None:
            entries.setdefault(found[0], []).append(found[1])
    return TopicTasks(impl.topic_id, impl.community_id, impl.round, impl.status, [
        TaskHistory(t.spec.task_id, t.round, t.spec.description, t.spec.responsible_party, t.spec.deadline,
                    t.percent, t.completed_at, t.overdue(now, grace.get(t.round, 0)), entries.get(t.spec.task_id, []))
        for t in impl.tasks
    ])
