"""Research's use cases on the in-memory fakes: the steps, the topic's view, reopening reactions."""

from datetime import timedelta
from uuid import uuid4

import pytest
from yishi_contracts import (
    Accepted,
    Envelope,
    Feasibility,
    Invitee,
    ResearchCompleted,
    ResearchReopened,
    Status,
    TopicDeferred,
    TopicReturnedToCouncil,
)

from services.council.domain.research import (
    FindingsRecorded,
    PlanDrafted,
    ResearchersAssigned,
    ResearchOpened,
    SiteVisitRecorded,
)
from services.council.service_layer import research
from services.council.service_layer.screening import ScreeningRequest, screen_topic
from services.kit.errors import status_of
from services.kit.refusal import Refusal

from .builders import COMMUNITY, NOW, OTHER_COMMUNITY, TODAY
from .fakes import CHAIR, council_service, member, ready_council, submit

PLAN = "利用社区闲置用房改建爱心驿站，供环卫工人休息用餐"
STEPS = (
    lambda r, council, now: r.assign(council, ["m0", "m4"], now=now),
    lambda r, _, now: r.record_visit(TODAY, "中山街环卫站", "工人在路边吃午饭，无处饮水", now=now),
    lambda r, _, now: r.record_findings("社区有一间闲置用房可以改造", Feasibility.feasible, now=now),
    lambda r, _, now: r.draft_plan(PLAN, [Invitee(kind="stakeholder", description="环卫所工人代表")], now=now),
)


async def refused(call, status: int, error: str) -> Refusal:
    with pytest.raises(Refusal) as caught:
        await call
    assert (status_of(caught.value), caught.value.error) == (status, error)
    return caught.value


async def accepted_topic():
    service = council_service()
    await ready_council(service)
    topic = submit(service, "环卫工人无处歇脚")
    await screen_topic(service, CHAIR, ScreeningRequest(topic, decision=Accepted(category="public_welfare")))
    return service, topic


async def researched_topic():
    service, topic = await accepted_topic()
    for step in STEPS:
        await research.research_step(service, member("m1"), topic, step)
    await research.research_step(service, CHAIR, topic, lambda r, _, now: r.complete(now=now))
    return service, topic


async def test_the_first_step_opens_the_research_and_completing_publishes_it() -> None:
    service, topic = await accepted_topic()
    done = await research.research_step(service, member("m1"), topic, STEPS[0])
    assert [type(e) for e in done.events] == [ResearchOpened, ResearchersAssigned]
    assert done.before is None and done.after.researchers == ("m0", "m4")
    for step in STEPS[1:]:
        done = await research.research_step(service, member("m1"), topic, step)
    stream = service.store.streams[research.stream_id(topic)]
    assert [type(e) for e in stream[2:]] == [SiteVisitRecorded, FindingsRecorded, PlanDrafted]

    done = await research.research_step(service, CHAIR, topic, lambda r, _, now: r.complete(now=now))
    [completed] = service.published(ResearchCompleted)
    assert done.events == [completed] and done.after.completed
    assert completed.researchers == ["m0", "m4"] and completed.consultation_plan == PLAN
    assert service.views.status(topic) is Status.researched
    record, found = await research.topic_with_research(service, topic)
    assert record.status is Status.researched and record.research_completed_at == NOW and found == done.after


async def test_research_steps_are_refused_by_topic_role_community_and_rule() -> None:
    service, topic = await accepted_topic()
    await refused(research.research_step(service, member("m1"), uuid4(), STEPS[0]), 404, "topic_unknown")
    await refused(research.research_step(service, member("m1", OTHER_COMMUNITY), topic, STEPS[0]), 403,
                  "outside_your_community")
    error = await refused(research.research_step(service, member("m1"), topic, lambda r, _, now: r.complete(now=now)),
                          409, "research_incomplete")
    assert "调研成员" in error.message_zh
    await refused(research.research_step(service, member("m1"), topic,
                                         lambda r, c, now: r.assign(c, ["m0", "nobody"], now=now)),
                  409, "not_a_fixed_member")
    await refused(research.research_step(service, member("m1"), topic, lambda r, c, now: r.assign(c, [], now=now)),
                  422, "researchers_required")
    assert research.stream_id(topic) not in service.store.streams, "a refused first step opens nothing"

    waiting = submit(service, "中山街上学接送拥堵")
    await refused(research.research_step(service, member("m1"), waiting, STEPS[0]), 409, "topic_not_accepted")
    await refused(research.topic_with_research(service, uuid4()), 404, "topic_unknown")


async def test_a_deferral_reopens_completed_research_once_and_it_can_be_completed_again() -> None:
    service, topic = await researched_topic()
    service.clock.advance(days=1)
    deferred = Envelope.wrap(TopicDeferred(topic_id=topic, community_id=COMMUNITY, meeting_id=uuid4(),
                                           reason="需补充环卫所的意见", deferred_at=service.clock.now()),
                             source="/yishi/meeting")
    uow = service.on()
    await research.reopen_research(service, uow, deferred, cause="deferred_by_meeting", reason="会议暂缓，退回调研：需补充环卫所的意见")
    uow.commit()
    [reopened] = service.published(ResearchReopened)
    assert reopened.cause == "deferred_by_meeting" and "需补充环卫所的意见" in reopened.reason
    assert service.store.outbox[-1].causationid == deferred.id
    assert service.views.status(topic) is Status.researching

    record, found = await research.topic_with_research(service, topic)
    assert record.reopen_cause == "deferred_by_meeting" and not found.completed and found.researchers == ("m0", "m4")
    service.clock.advance(hours=1)
    await research.research_step(service, member("m1"), topic, STEPS[1])
    await research.research_step(service, CHAIR, topic, lambda r, _, now: r.complete(now=now))
    assert len(service.published(ResearchCompleted)) == 2 and service.views.status(topic) is Status.researched


async def test_an_upheld_objection_reopens_it_and_nothing_completed_means_nothing_to_reopen() -> None:
    service, topic = await researched_topic()
    returned = Envelope.wrap(TopicReturnedToCouncil(
        topic_id=topic, community_id=COMMUNITY, resolution_id=uuid4(), objection="驿站选址离住户太近",
        assessment="异议成立，需重新选址", returned_at=NOW + timedelta(days=9)), source="/yishi/publication")
    service.clock.advance(days=10)
    uow = service.on()
    await research.reopen_research(service, uow, returned, cause="objection_upheld", reason="公示期异议成立：驿站选址离住户太近")
    uow.commit()
    assert [e.cause for e in service.published(ResearchReopened)] == ["objection_upheld"]

    uow = service.on()  # reopened already: not completed, so nothing more to reopen
    await research.reopen_research(service, uow, returned, cause="objection_upheld", reason="公示期异议成立：驿站选址离住户太近")
    uow.commit()
    never = submit(service, "中山街上学接送拥堵")
    uow = service.on()
    await research.reopen_research(service, uow, Envelope.wrap(TopicDeferred(
        topic_id=never, community_id=COMMUNITY, meeting_id=uuid4(), reason="尚未调研，暂缓讨论",
        deferred_at=service.clock.now()), source="/yishi/meeting"), cause="deferred_by_meeting", reason="会议暂缓，退回调研")
    uow.commit()
    assert len(service.published(ResearchReopened)) == 1 and research.stream_id(never) not in service.store.streams
