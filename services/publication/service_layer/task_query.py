"""The query of a list of implementation tasks (落实任务清单) and its rows.

A task is overdue from the China-time day after its deadline while it is not complete
(``domain.task``); its days overdue count those days, today included.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from ..domain.refusal import INVALID, PublicationRefused

MAX_LIMIT = 100


@dataclass(frozen=True)
class TaskQuery:
    within: str
    """A community's code, or the division prefix of the communities listed."""
    overdue: bool | None = None
    """Only the overdue tasks (True), only the others (False), or all (None)."""
    limit: int = 20
    offset: int = 0


def task_query(within: str, *, overdue: bool | None = None, limit: int = 20, offset: int = 0) -> TaskQuery:
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise PublicationRefused("page_out_of_range", f"每页 1 至 {MAX_LIMIT} 条，起始位置不能为负",
                                 f"limit must be 1..{MAX_LIMIT} and offset not negative", kind=INVALID)
    return TaskQuery(within, overdue, limit, offset)


@dataclass(frozen=True)
class ListedTask:
    task_id: UUID
    topic_id: UUID
    community_id: str
    title: str | None
    round: int
    description: str
    responsible_party: str
    deadline: date
    percent: int
    completed_at: datetime | None
    overdue: bool
    days_overdue: int


@dataclass(frozen=True)
class TaskPage:
    total: int
    tasks: list[ListedTask] = field(default_factory=list)
