"""Lists of implementation tasks for a community's staff and council, and for the street and
district offices over it: each task with its topic's title, responsible party, deadline and
how many days it is overdue (after its community's grace), the most overdue first.

The tasks live in each topic's implementation stream (no view keeps them), so the topics
under implementation come from the board and each one's tasks are folded from its stream,
in one unit of work that records nothing.
"""

from services.kit.auth import Actor
from services.kit.ports import Service

from ..domain import Implementation, Task, local_day
from .config import implementation_stream
from .grace import graces
from .ports import PublicationViews
from .task_query import ListedTask, TaskPage, TaskQuery, TaskTopic


def _listed(topic: TaskTopic, task: Task, today_days: int, overdue: bool, grace_days: int) -> ListedTask:
    s = task.spec
    return ListedTask(
        task_id=s.task_id, topic_id=topic.topic_id, community_id=topic.community_id, title=topic.title,
        round=task.round, description=s.description, responsible_party=s.responsible_party, deadline=s.deadline,
        percent=task.percent, completed_at=task.completed_at, overdue=overdue,
        days_overdue=today_days - task.due(grace_days).toordinal() if overdue else 0,
    )


async def list_tasks(service: Service[PublicationViews], actor: Actor, query: TaskQuery) -> TaskPage:
    actor.ensure_community(query.within)
    now = service.clock.now()
    today = local_day(now).toordinal()
    listed: list[ListedTask] = []
    async with service.commands.units() as uow:
        for topic in await uow.views.implementing_topics(query.within):
            implementation = Implementation.fold((await uow.load(implementation_stream(topic.topic_id))).events)
            if implementation is None:
                continue
            grace = await graces(uow.views, implementation)
            for task in implementation.tasks:
                days = grace.get(task.round, 0)
                listed.append(_listed(topic, task, today, task.overdue(now, days), days))
    if query.overdue is not None:
        listed = [t for t in listed if t.overdue == query.overdue]
    listed.sort(key=lambda t: (-t.days_overdue, t.deadline, t.community_id, str(t.topic_id), t.round, str(t.task_id)))
    return TaskPage(total=len(listed), tasks=listed[query.offset:query.offset + query.limit])
