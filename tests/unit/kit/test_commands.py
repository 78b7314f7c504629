"""The kit's command path on the in-memory fakes: fold, check, decide, record, retry."""

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import uuid4

import pytest
from yishi_contracts import Channel, SubmitterKind, TopicResubmitted, TopicSource, TopicSubmitted

from services.kit.auth import Actor, Role
from services.kit.commands import Change, Context
from services.kit.errors import status_of
from services.kit.eventstore import ConcurrencyConflict
from services.kit.fakes import FakeService
from services.kit.refusal import INVALID, NOT_FOUND, Refusal

COMMUNITY = "330102001051"
CHAIR = Actor("chair-1", frozenset({Role.council_chair}), COMMUNITY)


@dataclass(frozen=True)
class Topic:
    """A toy aggregate: how many times details were added."""

    community_id: str | None = None
    details: int = 0

    @classmethod
    def fold(cls, events: Sequence[object]) -> "Topic":
        topic = cls()
        for e in events:
            if isinstance(e, TopicSubmitted):
                topic = Topic(e.community_id, 0)
            elif isinstance(e, TopicResubmitted):
                topic = Topic(topic.community_id, topic.details + 1)
        return topic


class Views:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def apply(self, envelope: object) -> None:
        self.seen.append(type(envelope.data).__name__)  # type: ignore[attr-defined]


def submitted(topic_id, now):
    return TopicSubmitted(topic_id=topic_id, community_id=COMMUNITY, title="中山街无公厕", description="中山街沿线没有公共厕所",
                          source=TopicSource.resident, channel=Channel.online, submitted_by=SubmitterKind.resident,
                          submitted_at=now)


def add_details(topic_id, roles=(Role.council_chair,)) -> Change[Topic, Views]:
    def decide(topic: Topic, ctx: Context[Views]) -> list[object]:
        if topic.details >= 2:
            raise Refusal("too_many", "补充次数过多", "too many details", kind=INVALID)
        return [TopicResubmitted(topic_id=topic_id, community_id=COMMUNITY, details="补充了厕所选址的具体位置", resubmitted_at=ctx.now)]

    return Change(f"topic:{topic_id}", Topic.fold, decide, community=lambda t: t.community_id or COMMUNITY, roles=roles,
                  missing=Refusal("topic_unknown", "找不到该议题", "no such topic", kind=NOT_FOUND))


async def _submitted(service: FakeService[Views]):
    topic_id = uuid4()
    await service.commands.execute(Change(f"topic:{topic_id}", Topic.fold, lambda t, ctx: [submitted(topic_id, ctx.now)],
                                          community=COMMUNITY))
    return topic_id


async def test_a_change_folds_decides_records_and_projects() -> None:
    service = FakeService(Views())
    topic_id = await _submitted(service)
    done = await service.commands.execute(add_details(topic_id), CHAIR)
    assert done.before.details == 0 and done.after.details == 1 and done.version == 2
    assert [type(e) for e in service.published()] == [TopicSubmitted, TopicResubmitted]
    assert service.views.seen == ["TopicSubmitted", "TopicResubmitted"]
    assert done.envelopes[0].communityid == COMMUNITY


async def test_refusals_say_their_kind_and_record_nothing() -> None:
    service = FakeService(Views())
    with pytest.raises(Refusal) as missing:
        await service.commands.execute(add_details(uuid4()), CHAIR)
    assert status_of(missing.value) == 404
    topic_id = await _submitted(service)
    for _ in range(2):
        await service.commands.execute(add_details(topic_id), CHAIR)
    with pytest.raises(Refusal) as invalid:
        await service.commands.execute(add_details(topic_id), CHAIR)
    assert status_of(invalid.value) == 422 and len(service.published(TopicResubmitted)) == 2


async def test_the_path_checks_role_and_community() -> None:
    service = FakeService(Views())
    topic_id = await _submitted(service)
    other = Actor("chair-2", frozenset({Role.council_chair}), "330102001052")
    staff = Actor("grid-7", frozenset({Role.staff}), COMMUNITY)
    for actor, status in ((None, 401), (other, 403), (staff, 403)):
        with pytest.raises(Refusal) as refused:
            await service.commands.execute(add_details(topic_id), actor)
        assert status_of(refused.value) == status
    assert not service.published(TopicResubmitted)


async def test_a_lost_race_is_decided_again_then_answers_409() -> None:
    service = FakeService(Views())
    topic_id = await _submitted(service)
    calls = 0

    def racing(topic: Topic, ctx: Context[Views]) -> list[object]:
        nonlocal calls
        calls += 1
        if calls == 1:  # someone else records first, after this decision loaded the stream
            service.store.streams[f"topic:{topic_id}"].append(TopicResubmitted(
                topic_id=topic_id, community_id=COMMUNITY, details="他人补充了周边商户的意见", resubmitted_at=ctx.now))
        return [TopicResubmitted(topic_id=topic_id, community_id=COMMUNITY, details="补充了厕所选址的具体位置", resubmitted_at=ctx.now)]

    done = await service.commands.execute(Change(f"topic:{topic_id}", Topic.fold, racing, community=COMMUNITY), CHAIR)
    assert calls == 2 and done.after.details == 2

    def always_late(topic: Topic, ctx: Context[Views]) -> list[object]:
        service.store.streams[f"topic:{topic_id}"].append(object())
        return [TopicResubmitted(topic_id=topic_id, community_id=COMMUNITY, details="补充了厕所选址的具体位置", resubmitted_at=ctx.now)]

    with pytest.raises(Refusal) as conflict:
        await service.commands.execute(Change(f"topic:{topic_id}", Topic.fold, always_late, community=COMMUNITY))
    assert status_of(conflict.value) == 409 and conflict.value.error == "concurrent_change"


async def test_inside_a_held_unit_of_work_a_conflict_is_raised_for_redelivery() -> None:
    service = FakeService(Views())
    topic_id = await _submitted(service)
    uow = service.on()

    def late(topic: Topic, ctx: Context[Views]) -> list[object]:
        service.store.streams[f"topic:{topic_id}"].append(object())
        return [TopicResubmitted(topic_id=topic_id, community_id=COMMUNITY, details="补充了厕所选址的具体位置", resubmitted_at=ctx.now)]

    with pytest.raises(ConcurrencyConflict):
        await service.commands.execute_in(uow, Change(f"topic:{topic_id}", Topic.fold, late, community=COMMUNITY))
