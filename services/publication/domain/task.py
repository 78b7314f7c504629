"""A task (落实任务): one measure of a resolution, with its responsible party and deadline.

Deadlines are calendar dates in China Standard Time: a task is overdue from the day after
its deadline plus the community's grace (逾期宽限, in days: the setting in effect when the
task's round started) for as long as it is not complete.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID, uuid4

from yishi_contracts import Measure

from .refusal import CHINA_TIME, INVALID, PublicationRefused, require_aware


def local_day(moment: datetime) -> date:
    """The calendar day of an instant in China Standard Time."""
    return moment.astimezone(CHINA_TIME).date()


@dataclass(frozen=True)
class TaskSpec:
    task_id: UUID
    description: str
    responsible_party: str
    deadline: date


@dataclass(frozen=True)
class Task:
    spec: TaskSpec
    round: int
    percent: int = 0
    reports: int = 0
    completed_at: datetime | None = None
    started_at: datetime | None = None
    """When the task's round started: the settings in effect then apply to it."""

    def due(self, grace_days: int = 0) -> date:
        """The last day before the task counts as overdue."""
        return self.spec.deadline + timedelta(days=grace_days)

    def overdue(self, now: datetime, grace_days: int = 0) -> bool:
        return self.completed_at is None and local_day(require_aware(now)) > self.due(grace_days)


def specs_from_measures(measures: Sequence[Measure], task_ids: Sequence[UUID] | None) -> tuple[TaskSpec, ...]:
    if not measures:
        raise PublicationRefused("tasks_required", "至少需要一项落实任务", "at least one task is needed", kind=INVALID)
    ids = list(task_ids) if task_ids is not None else [uuid4() for _ in measures]
    if len(ids) != len(measures):
        raise ValueError("one task id per measure")
    return tuple(TaskSpec(i, m.description, m.responsible_party, m.deadline) for i, m in zip(ids, measures))
