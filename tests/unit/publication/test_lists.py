"""Lists of implementation tasks in memory: overdue by China-time days, the order, paging,
the query's checks and who may read them."""

from datetime import date, datetime, timedelta

import pytest
from pydantic import ValidationError

from services.kit.auth import Role
from services.kit.fakes import FakeService, FixedClock
from services.kit.refusal import CHINA_TIME, INVALID, NOT_YOURS, Refusal
from services.publication.entrypoints.lists_http import TaskListParams
from services.publication.service_layer.config import CODEC
from services.publication.service_layer.task_lists import list_tasks
from services.publication.service_layer.task_query import task_query

from ..factories import COMMUNITY, NOW
from .fakes import FakePublicationViews, actor
from .given import implementing

STAFF = actor(Role.staff)


@pytest.fixture
def service() -> FakeService[FakePublicationViews]:
    return FakeService(FakePublicationViews(), service="publication", codec=CODEC, clock=FixedClock(NOW))


def _china(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHINA_TIME)


async def test_a_task_is_overdue_from_the_china_time_day_after_its_deadline(service) -> None:
    deadline = date(2026, 12, 31)
    await implementing(service, deadline)
    query = task_query(COMMUNITY, overdue=True)
    service.clock.at = _china(deadline, 23, 59)
    assert (await list_tasks(service, STAFF, query)).total == 0
    service.clock.at = _china(deadline + timedelta(days=1), 0, 1)  # still 31 December in UTC
    [task] = (await list_tasks(service, STAFF, query)).tasks
    assert task.overdue and task.days_overdue == 1 and task.title == "环卫工人无处歇脚"
    service.clock.at = _china(deadline + timedelta(days=30), 12)
    assert (await list_tasks(service, STAFF, query)).tasks[0].days_overdue == 30


async def test_the_most_overdue_come_first_and_pages_are_counted(service) -> None:
    started = await implementing(service, date(2026, 12, 20), date(2027, 3, 1), date(2026, 12, 10))
    service.clock.at = _china(date(2027, 1, 1), 9)
    page = await list_tasks(service, STAFF, task_query(COMMUNITY))
    assert page.total == 3
    assert [(t.deadline, t.days_overdue) for t in page.tasks] == [
        (date(2026, 12, 10), 22), (date(2026, 12, 20), 12), (date(2027, 3, 1), 0)]
    assert {t.task_id for t in page.tasks} == {t.task_id for t in started.tasks}
    second = await list_tasks(service, STAFF, task_query(COMMUNITY, limit=2, offset=2))
    assert second.total == 3 and [t.deadline for t in second.tasks] == [date(2027, 3, 1)]
    assert [t.deadline for t in (await list_tasks(service, STAFF, task_query(COMMUNITY, overdue=False))).tasks] == [
        date(2027, 3, 1)]


async def test_only_actors_whose_scope_covers_the_community_or_division_may_read(service) -> None:
    await implementing(service, date(2026, 12, 31))
    street = actor(Role.party_government, scope=COMMUNITY[:9])
    assert (await list_tasks(service, street, task_query(COMMUNITY[:9]))).total == 1
    for who, within in ((actor(Role.staff, scope="330102001002"), COMMUNITY), (STAFF, COMMUNITY[:9]),
                        (actor(Role.cppcc_office, scope="330103"), COMMUNITY[:6])):
        with pytest.raises(Refusal) as refused:
            await list_tasks(service, who, task_query(within))
        assert refused.value.kind is NOT_YOURS


def test_the_query_and_its_parameters_are_checked() -> None:
    for limit, offset in ((0, 0), (101, 0), (1, -1)):
        with pytest.raises(Refusal) as refused:
            task_query(COMMUNITY, limit=limit, offset=offset)
        assert refused.value.kind is INVALID and refused.value.message_zh
    assert TaskListParams.model_validate({"overdue": "true"}).overdue is True
    assert TaskListParams.model_validate({}).overdue is None
    for bad in ({"overdue": "maybe"}, {"limit": 101}, {"status": "open"}):
        with pytest.raises(ValidationError):
            TaskListParams.model_validate(bad)



async def test_progress_and_completion_reach_the_list_and_a_completed_task_is_no_longer_overdue(service) -> None:
    from services.publication.service_layer import implementation

    started = await implementing(service, date(2026, 12, 10), date(2027, 3, 1))
    late, later = (t.task_id for t in started.tasks)
    await implementation.report_progress(service, STAFF, started.topic_id, later, "已完成设计", 40)
    service.clock.at = _china(date(2027, 1, 1), 9)
    page = await list_tasks(service, STAFF, task_query(COMMUNITY))
    assert [(t.task_id, t.percent, t.overdue) for t in page.tasks] == [(late, 0, True), (later, 40, False)]
    await implementation.complete_task(service, STAFF, started.topic_id, late)
    assert (await list_tasks(service, STAFF, task_query(COMMUNITY, overdue=True))).total == 0
    [done] = [t for t in (await list_tasks(service, STAFF, task_query(COMMUNITY))).tasks if t.task_id == late]
    assert done.percent == 100 and done.completed_at == service.clock.now() and done.days_overdue == 0
