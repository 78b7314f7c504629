"""A topic's tasks with their progress entries, in memory: every round, who reported, the notes
only for those whose scope covers the community."""

from datetime import date, timedelta
from uuid import uuid4

import pytest
from yishi_contracts import Measure

from services.kit.auth import Role
from services.kit.refusal import NOT_FOUND, NOT_YOURS, Refusal
from services.publication.service_layer import implementation
from services.publication.service_layer.detail import topic_detail
from services.publication.service_layer.task_history import topic_tasks

from ..factories import COMMUNITY
from .fakes import CONFIG, actor, publication
from .given import STAFF, implementing, rated


async def test_entries_say_when_who_how_far_and_what_and_the_completion_closes_them() -> None:
    service = publication()
    started = await implementing(service, date(2027, 1, 31))
    task_id = started.tasks[0].task_id
    await implementation.report_progress(service, STAFF, started.topic_id, task_id, "已完成设计", 40)
    first_at = service.clock.now()
    service.clock.advance(days=2)
    await implementation.report_progress(service, actor(Role.staff, sub="worker-2"), started.topic_id, task_id, "施工过半", 60)
    service.clock.advance(days=1)
    await implementation.complete_task(service, STAFF, started.topic_id, task_id)
    street = actor(Role.street_office, scope=COMMUNITY[:9], sub="office-1")
    shown = await topic_tasks(service, street, started.topic_id)
    [task] = shown.tasks
    assert (shown.round, shown.status, task.percent, task.completed_at) == (1, "completed", 100, service.clock.now())
    assert [(e.by, e.roles, e.percent, e.note, e.completed) for e in task.entries] == [
        ("worker-1", ("staff",), 40, "已完成设计", False), ("worker-2", ("staff",), 60, "施工过半", False),
        ("worker-1", ("staff",), 100, None, True)]
    assert task.entries[0].at == first_at
    public = (await topic_detail(service, started.topic_id))["implementation"]["tasks"][0]
    assert public["percent"] == 100 and public["progress_reports"] == 2  # the public page: no notes, no names
    assert "已完成设计" not in str(public) and "worker-1" not in str(public)


async def test_every_round_is_listed_after_reopening() -> None:
    service = publication()
    started = await rated(service, "dissatisfied", "dissatisfied", "satisfied")
    deadline = (service.clock.now() + timedelta(days=30)).date()
    await implementation.reopen(service, CONFIG, actor(Role.council_chair, sub="chair-1"), started.topic_id,
                                "群众反映驿站开放时间太短",
                                [Measure(description="延长驿站开放时间", responsible_party="社区居委会", deadline=deadline)])
    shown = await topic_tasks(service, STAFF, started.topic_id)
    assert [(t.round, t.percent, len(t.entries)) for t in shown.tasks] == [(1, 100, 1), (2, 0, 0)]
    assert shown.round == 2 and shown.tasks[1].deadline == deadline


async def test_only_an_actor_whose_scope_covers_the_community_reads_them_and_none_before_implementation() -> None:
    service = publication()
    started = await implementing(service, date(2027, 1, 31))
    for who in (actor(Role.staff, scope="330102001002"), actor(Role.street_office, scope="330102002")):
        with pytest.raises(Refusal) as refused:
            await topic_tasks(service, who, started.topic_id)
        assert refused.value.kind is NOT_YOURS
    with pytest.raises(Refusal) as missing:
        await topic_tasks(service, STAFF, uuid4())
    assert missing.value.kind is NOT_FOUND
