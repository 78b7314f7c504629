"""The community's settings where publication applies them, in memory: the disclosure period of
a resolution published from the change on (公示期) and the grace before a task is overdue
(逾期宽限) for a round started from the change on; a neighbour keeps the city's defaults."""

from datetime import date, datetime, timedelta

from yishi_contracts import DisclosureStarted

from services.kit.auth import Role
from services.kit.refusal import CHINA_TIME
from services.publication.service_layer import detail
from services.publication.service_layer.task_lists import list_tasks
from services.publication.service_layer.task_query import task_query

from ..factories import COMMUNITY, NOW
from .fakes import FakePublicationViews, actor, publication
from .given import disclosed, implementing

NEIGHBOUR = COMMUNITY[:9] + "002"
MIDNIGHT = datetime(2026, 11, 29, 0, 0, tzinfo=CHINA_TIME)
"""A change effective at midnight China time: 16:00 UTC the day before."""


def _ends(service, resolution) -> timedelta:
    started = next(e for e in service.published(DisclosureStarted) if e.resolution_id == resolution.resolution_id)
    return started.ends_at - started.published_at


async def test_a_resolution_published_from_effective_from_on_gets_the_new_period() -> None:
    service = publication()
    service.views.registry.set(COMMUNITY, MIDNIGHT, disclosure_days=5)
    service.clock.at = MIDNIGHT - timedelta(seconds=1)
    before = await disclosed(service)
    assert _ends(service, before) == timedelta(days=7)
    service.clock.at = MIDNIGHT
    at_change = await disclosed(service)
    assert _ends(service, at_change) == timedelta(days=5)
    assert MIDNIGHT.astimezone(CHINA_TIME).date() == date(2026, 11, 29) and MIDNIGHT.utcoffset() == timedelta(hours=8)


async def test_the_street_sets_the_period_for_its_communities_unless_one_sets_its_own() -> None:
    service = publication()
    service.views.registry.set(COMMUNITY[:9] + "000", NOW, disclosure_days=10)
    service.views.registry.set(NEIGHBOUR, NOW, disclosure_days=3)
    inherited = await disclosed(service)
    assert _ends(service, inherited) == timedelta(days=10)
    own = service.views.registry.effective_at(NEIGHBOUR, NOW)
    assert (own.disclosure_days.value, own.disclosure_days.source) == (3, "community")


async def test_a_task_is_overdue_after_its_deadline_plus_the_grace_of_its_rounds_start() -> None:
    service = publication()
    service.views = FakePublicationViews()
    service.views.registry.set(COMMUNITY, NOW, overdue_grace_days=3)
    deadline = date(2026, 12, 31)
    started = await implementing(service, deadline)
    query, staff = task_query(COMMUNITY, overdue=True), actor(Role.staff)
    service.clock.at = datetime(2027, 1, 3, 23, 59, tzinfo=CHINA_TIME)  # deadline + 3 days: not yet
    assert (await list_tasks(service, staff, query)).total == 0
    service.clock.at = datetime(2027, 1, 4, 0, 1, tzinfo=CHINA_TIME)
    [task] = (await list_tasks(service, staff, query)).tasks
    assert task.days_overdue == 1
    shown = (await detail.topic_detail(service, started.topic_id))["implementation"]
    assert shown["overdue_tasks"] == 1 and shown["tasks"][0]["overdue_grace_days"] == 3


async def test_a_grace_set_after_the_round_started_waits_for_the_next_round() -> None:
    service = publication()
    service.views = FakePublicationViews()
    started = await implementing(service, date(2026, 12, 31))
    service.views.registry.set(COMMUNITY, service.clock.now() + timedelta(minutes=1), overdue_grace_days=10)
    service.clock.at = datetime(2027, 1, 2, 9, tzinfo=CHINA_TIME)
    shown = (await detail.topic_detail(service, started.topic_id))["implementation"]
    assert shown["tasks"][0]["overdue"] and shown["tasks"][0]["overdue_grace_days"] == 0
