"""A change that creates its stream is decided without reading it first; when the stream
exists after all, the store's conflict sends it through the usual load and decide again."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from uuid import uuid4

from yishi_contracts import TopicResubmitted, TopicSubmitted

from services.kit.commands import Change, Context
from services.kit.fakes import FakeService

from .test_commands import COMMUNITY, Topic, Views, submitted


def counting_loads(service: FakeService[Views]) -> list[str]:
    """The stream ids the service's units of work load, in order."""
    loads: list[str] = []
    units = service.commands.units

    @asynccontextmanager
    async def counted() -> AsyncIterator[Any]:
        async with units() as uow:
            load = uow.load

            async def counting(stream_id: str) -> Any:
                loads.append(stream_id)
                return await load(stream_id)

            uow.load = counting  # type: ignore[method-assign]
            yield uow

    service.commands.units = counted
    return loads


def creating(topic_id, seen: list[Topic]) -> Change[Topic, Views]:
    def decide(topic: Topic, ctx: Context[Views]) -> list[object]:
        seen.append(topic)
        if topic.community_id is None:
            return [submitted(topic_id, ctx.now)]
        return [TopicResubmitted(topic_id=topic_id, community_id=COMMUNITY, details="补充了厕所选址的具体位置",
                                 resubmitted_at=ctx.now)]

    return Change(f"topic:{topic_id}", Topic.fold, decide, community=COMMUNITY, creates=True)


async def test_a_new_stream_is_decided_without_a_read() -> None:
    service = FakeService(Views())
    loads = counting_loads(service)
    seen: list[Topic] = []
    done = await service.commands.execute(creating(uuid4(), seen))
    assert loads == [] and seen == [Topic()] and done.version == 1
    assert [type(e) for e in service.published()] == [TopicSubmitted]


async def test_a_stream_that_exists_after_all_is_loaded_and_decided_again() -> None:
    for run in ("own transaction", "held unit of work"):
        service = FakeService(Views())
        topic_id = uuid4()
        service.store.streams[f"topic:{topic_id}"] = [submitted(topic_id, service.clock.now())]
        loads = counting_loads(service)
        seen: list[Topic] = []
        if run == "own transaction":
            done = await service.commands.execute(creating(topic_id, seen))
        else:
            async with service.commands.units() as uow:
                done = await service.commands.execute_in(uow, creating(topic_id, seen))
        assert seen == [Topic(), Topic(COMMUNITY, 0)], run
        assert loads == [f"topic:{topic_id}"] and done.version == 2 and done.after.details == 1, run
        assert [type(e) for e in service.published()] == [TopicResubmitted], run
