"""Lists of implementation tasks for a community's staff and council, and for the street and
district offices over it: each task with its topic's title, responsible party, deadline and
how many days it is overdue (after its community's grace), the most overdue first.

The tasks come from ``tasks_view`` (kept from publication's own public events), read and
paged by the views port in one query: no topic's stream is folded for a list.
"""

from services.kit.auth import Actor
from services.kit.ports import Service

from ..domain import local_day
from .ports import PublicationViews
from .task_query import TaskPage, TaskQuery


async def list_tasks(service: Service[PublicationViews], actor: Actor, query: TaskQuery) -> TaskPage:
    actor.ensure_community(query.within)
    today = local_day(service.clock.now())
    async with service.reading() as views:
        return await views.task_page(query, today)
