"""Implementation (组织落实): tasks from the resolution's measures, progress, completion, closing.

Each measure becomes a task with its responsible party and deadline (a calendar date in
China Standard Time: a task is overdue from the day after its deadline while incomplete).
When every task of the current round is complete the implementation is complete and
residents rate it; the ``ClosingRule`` then allows closing (办结) or requires reopening
(重新办理) with new tasks, which starts the next round.
"""

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID

from yishi_contracts import Measure, Satisfaction

from .disclosure import Disclosure
from .refusal import INVALID, NOT_FOUND, PublicationRefused, clean_text, require_aware
from .satisfaction import ClosingRule, Verdict
from .task import Task, TaskSpec, local_day, specs_from_measures


@dataclass(frozen=True)
class TasksAssigned:
    """A round's tasks: the first from the resolution's measures once the disclosure concluded."""

    topic_id: UUID
    community_id: str
    resolution_id: UUID
    published_at: datetime
    tasks: tuple[TaskSpec, ...]
    started_at: datetime


@dataclass(frozen=True)
class ProgressReported:
    topic_id: UUID
    task_id: UUID
    text: str
    percent: int
    reported_at: datetime
    by: str | None = None
    """The reporting actor's id (reports recorded before it was kept have none)."""
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class TaskCompleted:
    topic_id: UUID
    task_id: UUID
    completed_at: datetime
    by: str | None = None
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoundCompleted:
    """Every task of the round is complete."""

    topic_id: UUID
    round: int
    completed_at: datetime


@dataclass(frozen=True)
class ResidentRated:
    """One resident's rating of a round, under the resident's key (never a phone number)."""

    topic_id: UUID
    round: int
    resident_key: str
    rating: Satisfaction
    rated_at: datetime


@dataclass(frozen=True)
class ImplementationClosed:
    topic_id: UUID
    round: int
    closed_at: datetime


@dataclass(frozen=True)
class RoundReopened:
    """Residents were not satisfied: the next round starts with new tasks (重新办理)."""

    topic_id: UUID
    round: int
    reason: str
    tasks: tuple[TaskSpec, ...]
    reopened_at: datetime


ImplementationEvent = (
    TasksAssigned | ProgressReported | TaskCompleted | RoundCompleted
    | ResidentRated | ImplementationClosed | RoundReopened
)


@dataclass(frozen=True)
class ImplementationFigures:
    rounds: int
    completed: bool
    on_time: bool | None
    days_to_completion: int | None
    ratings: dict[Satisfaction, int]


def start(disclosure: Disclosure, *, now: datetime, task_ids: Sequence[UUID] | None = None) -> TasksAssigned:
    """Turn the measures of a concluded disclosure into tasks."""
    require_aware(now)
    if not disclosure.may_start_implementation:
        raise PublicationRefused(
            "disclosure_not_concluded",
            "公示期结束且无实质性异议后才能组织落实",
            "implementation starts only after the disclosure concluded without a substantive objection",
        )
    specs = specs_from_measures(disclosure.measures, task_ids)
    return TasksAssigned(
        disclosure.topic_id, disclosure.community_id, disclosure.resolution_id, disclosure.published_at, specs, now
    )


@dataclass(frozen=True)
class Implementation:
    topic_id: UUID
    community_id: str
    resolution_id: UUID
    published_at: datetime
    round: int = 1
    tasks: tuple[Task, ...] = ()
    ratings: tuple[ResidentRated, ...] = ()
    completed_at: datetime | None = None
    closed_at: datetime | None = None
    events: tuple[ImplementationEvent, ...] = field(default=(), repr=False)

    @classmethod
    def fold(cls, events: Sequence[object]) -> "Implementation | None":
        """The implementation from its stream (None for an empty one); public copies are skipped."""
        implementation = None
        for event in events:
            if isinstance(event, ImplementationEvent):
                implementation = implementation.apply(event) if implementation else cls.start(event)
        return implementation

    @classmethod
    def start(cls, event: ImplementationEvent) -> "Implementation":
        if not isinstance(event, TasksAssigned):
            raise ValueError("an implementation's history starts with TasksAssigned")
        return cls(event.topic_id, event.community_id, event.resolution_id, event.published_at,
                   tasks=tuple(Task(s, 1, started_at=event.started_at) for s in event.tasks), events=(event,))

    def apply(self, event: ImplementationEvent) -> "Implementation":
        if event.topic_id != self.topic_id:
            raise ValueError("an event of another topic")
        s = replace(self, events=self.events + (event,))
        if isinstance(event, ProgressReported):
            return s._with_task(event.task_id, lambda t: replace(t, percent=event.percent, reports=t.reports + 1))
        if isinstance(event, TaskCompleted):
            return s._with_task(event.task_id, lambda t: replace(t, percent=100, completed_at=event.completed_at))
        if isinstance(event, RoundCompleted):
            return replace(s, completed_at=event.completed_at)
        if isinstance(event, ResidentRated):
            return replace(s, ratings=s.ratings + (event,))
        if isinstance(event, ImplementationClosed):
            return replace(s, closed_at=event.closed_at)
        if isinstance(event, RoundReopened):
            new = tuple(Task(spec, event.round, started_at=event.reopened_at) for spec in event.tasks)
            return replace(s, round=event.round, tasks=s.tasks + new, ratings=(), completed_at=None)
        raise ValueError(f"not an event of a running implementation: {type(event).__name__}")

    def _with_task(self, task_id: UUID, change: Callable[[Task], Task]) -> "Implementation":
        return replace(self, tasks=tuple(change(t) if t.spec.task_id == task_id else t for t in self.tasks))

    # queries
    @property
    def status(self) -> str:
        if self.closed_at is not None:
            return "closed"
        return "completed" if self.completed_at is not None else "in_progress"

    def current_tasks(self) -> tuple[Task, ...]:
        return tuple(t for t in self.tasks if t.round == self.round)

    def round_starts(self) -> dict[int, datetime]:
        """When each round started (its tasks were assigned)."""
        return {t.round: t.started_at for t in self.tasks if t.started_at is not None}

    def overdue(self, now: datetime, graces: Mapping[int, int] | None = None) -> tuple[Task, ...]:
        """The overdue tasks, each round with its grace in days (none given: no grace)."""
        return tuple(t for t in self.tasks if t.overdue(now, (graces or {}).get(t.round, 0)))

    def verdict(self, rule: ClosingRule | None = None) -> Verdict:
        return (rule or ClosingRule()).verdict(r.rating for r in self.ratings)

    def figures(self) -> ImplementationFigures:
        done = self.completed_at is not None
        return ImplementationFigures(
            rounds=self.round,
            completed=done,
            on_time=all(local_day(t.completed_at) <= t.spec.deadline for t in self.tasks) if done else None,
            days_to_completion=(local_day(self.completed_at) - local_day(self.published_at)).days if done else None,
            ratings=dict(Counter(r.rating for r in self.ratings)),
        )

    # commands
    def report_progress(self, task_id: UUID, text: str, percent: int, *, now: datetime,
                        by: str | None = None, roles: tuple[str, ...] = ()) -> ProgressReported:
        """A dated progress report (进展情况); the percentage never goes down."""
        task = self._open_task(task_id, now)
        if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
            raise PublicationRefused("invalid_percent", "进度须为0到100之间的整数", "progress is a whole percentage from 0 to 100",
                                    kind=INVALID)
        if percent < task.percent:
            raise PublicationRefused(
                "progress_decreased", f"进度不能低于上次报告的{task.percent}%", f"progress cannot fall below the last reported {task.percent}%"
            )
        cleaned = clean_text(text, field_zh="进展说明", field_en="progress report", min_chars=2, max_chars=2000)
        return ProgressReported(self.topic_id, task_id, cleaned, percent, now, by, roles)

    def complete_task(self, task_id: UUID, *, now: datetime, by: str | None = None,
                      roles: tuple[str, ...] = ()) -> list[ImplementationEvent]:
        """A task is done; the last one also completes the implementation."""
        self._open_task(task_id, now)
        events: list[ImplementationEvent] = [TaskCompleted(self.topic_id, task_id, now, by, roles)]
        if all(t.completed_at is not None or t.spec.task_id == task_id for t in self.current_tasks()):
            events.append(RoundCompleted(self.topic_id, self.round, now))
        return events

    def rate(self, resident_key: str, rating: Satisfaction | str, *, now: datetime) -> ResidentRated:
        """A resident rates the result (满意度评价): once per round, after completion."""
        require_aware(now)
        self._require_not_closed()
        if self.completed_at is None:
            raise PublicationRefused("not_completed", "落实完成后才能评价", "ratings open once the implementation is complete")
        key = resident_key.strip()
        if not key or len(key) > 128:
            raise PublicationRefused("resident_key_required", "须提供居民凭证（回执码或手机号摘要）",
                                    "a resident key (hashed receipt or phone) is required", kind=INVALID)
        if any(r.resident_key == key for r in self.ratings):
            raise PublicationRefused("already_rated", "您已经评价过本次办理结果", "this resident has already rated this round")
        try:
            value = Satisfaction(rating)
        except ValueError:
            raise PublicationRefused("invalid_rating", "评价只能是满意、基本满意或不满意",
                                    "a rating is satisfied, basically_satisfied or dissatisfied", kind=INVALID) from None
        return ResidentRated(self.topic_id, self.round, key, value, now)

    def close(self, *, now: datetime, rule: ClosingRule | None = None) -> ImplementationClosed:
        """办结: only when the residents' ratings allow it."""
        require_aware(now)
        self._require_not_closed()
        verdict = self._rated_verdict(rule)
        if verdict is Verdict.reopen:
            raise PublicationRefused("residents_dissatisfied", "不满意比例超过规定，须重新办理，不能办结", "too many residents are dissatisfied to close; reopen instead")
        return ImplementationClosed(self.topic_id, self.round, now)

    def reopen(self, measures: Sequence[Measure], reason: str, *, now: datetime, rule: ClosingRule | None = None,
               task_ids: Sequence[UUID] | None = None) -> RoundReopened:
        """重新办理: residents are not satisfied, so new tasks start the next round."""
        require_aware(now)
        self._require_not_closed()
        if self._rated_verdict(rule) is Verdict.close:
            raise PublicationRefused("residents_satisfied", "群众评价达到办结标准，无需重新办理", "the ratings allow closing; there is nothing to reopen")
        cleaned = clean_text(reason, field_zh="重新办理原因", field_en="reason", min_chars=2, max_chars=1000)
        specs = specs_from_measures(measures, task_ids)
        if any(s.deadline < local_day(now) for s in specs):
            raise PublicationRefused("deadline_in_past", "新任务的期限不能早于今天", "a new task's deadline cannot be in the past",
                                    kind=INVALID)
        return RoundReopened(self.topic_id, self.round + 1, cleaned, specs, now)

    def _rated_verdict(self, rule: ClosingRule | None) -> Verdict:
        if self.completed_at is None:
            raise PublicationRefused("not_completed", "落实任务尚未全部完成", "not every task is complete yet")
        verdict = self.verdict(rule)
        if verdict is Verdict.await_ratings:
            raise PublicationRefused("not_enough_ratings", "参与评价的居民人数不足", "not enough residents have rated yet")
        return verdict

    def _open_task(self, task_id: UUID, now: datetime) -> Task:
        require_aware(now)
        self._require_not_closed()
        task = next((t for t in self.tasks if t.spec.task_id == task_id), None)
        if task is None:
            raise PublicationRefused("unknown_task", "找不到这项落实任务", "no such task in this implementation", kind=NOT_FOUND)
        if task.completed_at is not None:
            raise PublicationRefused("task_completed", "这项任务已经完成", "this task is already complete")
        return task

    def _require_not_closed(self) -> None:
        if self.closed_at is not None:
            raise PublicationRefused("implementation_closed", "该事项已办结", "this implementation is closed")
