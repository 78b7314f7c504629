"""Screening's use cases on the in-memory fakes: one topic, a template, a batch, the queue."""

from datetime import timedelta
from uuid import uuid4

import pytest
from yishi_contracts import Accepted, Envelope, ExclusionReason, Merged, Referral, Returned, Status, TopicResubmitted
from yishi_contracts import TopicScreened

from services.council.domain.screening import ScreeningTemplate
from services.council.service_layer import screening
from services.council.service_layer.screening import ScreeningRequest
from services.kit.errors import status_of
from services.kit.refusal import Refusal

from .builders import CATEGORIES, COMMUNITY, NOW, OTHER_COMMUNITY
from .fakes import CHAIR, STAFF, council_service, member, ready_council, submit

ACCEPT = Accepted(category="public_facilities")


async def refused(call, status: int, error: str) -> Refusal:
    with pytest.raises(Refusal) as caught:
        await call
    assert (status_of(caught.value), caught.value.error) == (status, error)
    return caught.value


async def test_a_topic_is_screened_once_and_again_after_its_details_come_back() -> None:
    service = council_service()
    await ready_council(service)
    topic = submit(service)
    returned = await screening.screen_topic(
        service, member("m2"), ScreeningRequest(topic, decision=Returned(details_requested="请补充具体位置和时间段")))
    assert returned.screened_by == "m2" and service.views.status(topic) is Status.returned
    await refused(screening.screen_topic(service, CHAIR, ScreeningRequest(topic, decision=ACCEPT)),
                  409, "not_awaiting_screening")

    later = NOW + timedelta(hours=2)
    resubmitted = TopicResubmitted(topic_id=topic, community_id=COMMUNITY, details="中山街东段公交站旁边的空地", resubmitted_at=later)
    service.views.apply(Envelope.wrap(resubmitted, source="/yishi/intake"))
    service.clock.advance(hours=3)
    accepted = await screening.screen_topic(service, CHAIR, ScreeningRequest(topic, decision=ACCEPT))
    assert accepted.decision == ACCEPT and service.views.status(topic) is Status.accepted
    assert [e.decision.outcome for e in service.published(TopicScreened)] == ["returned", "accepted"]
    assert len(service.store.streams[screening.stream_id(topic)]) == 2


async def test_screening_one_topic_is_refused_by_existence_role_community_and_council() -> None:
    service = council_service()
    topic = submit(service)
    request = ScreeningRequest(topic, decision=ACCEPT)
    await refused(screening.screen_topic(service, CHAIR, request), 409, "council_not_ready")
    await ready_council(service)
    await refused(screening.screen_topic(service, CHAIR, ScreeningRequest(uuid4(), decision=ACCEPT)), 404, "topic_unknown")
    await refused(screening.screen_topic(service, STAFF, request), 403, "role_not_allowed")
    await refused(screening.screen_topic(service, member("m1", OTHER_COMMUNITY), request), 403, "outside_your_community")
    await refused(screening.screen_topic(service, member("not-a-member"), request), 409, "not_a_screener")
    await refused(screening.screen_topic(service, CHAIR, ScreeningRequest(topic)), 422, "decision_required")
    assert not service.published(TopicScreened) and service.views.status(topic) is Status.submitted


async def test_an_incomplete_council_says_what_it_lacks() -> None:
    service = council_service()
    await ready_council(service, categories=CATEGORIES[1:] + CATEGORIES[1:2])
    error = await refused(screening.screen_topic(service, CHAIR, ScreeningRequest(submit(service), decision=ACCEPT)),
                          409, "council_not_ready")
    assert error.message_zh == "协商议事会尚不能履职：至少需要1名政协委员"


async def test_a_template_answers_a_topic_with_its_title() -> None:
    service = council_service()
    await ready_council(service)
    template = ScreeningTemplate("个体矛盾", "rejection", "“{title}”属于个体矛盾，建议通过人民调解解决。",
                                 ExclusionReason.individual_dispute, Referral.mediation)
    back = ScreeningTemplate("补充位置", "return", "关于“{title}”，请补充具体位置。")
    for saved in (template, back):
        assert await screening.save_template(service, STAFF, COMMUNITY, saved) == saved
    assert await screening.templates(service, COMMUNITY) == [template, back]
    await refused(screening.save_template(service, STAFF, OTHER_COMMUNITY, template), 403, "outside_your_community")

    topic = submit(service, "邻居装修噪音纠纷")
    event = await screening.screen_topic(service, CHAIR, ScreeningRequest(topic, template="个体矛盾"))
    assert event.decision.explanation == "“邻居装修噪音纠纷”属于个体矛盾，建议通过人民调解解决。"
    assert event.decision.referral == "mediation" and service.views.status(topic) is Status.rejected
    await refused(screening.screen_topic(service, CHAIR, ScreeningRequest(submit(service), template="无此模板")),
                  422, "template_unknown")


async def test_a_batch_goes_on_after_a_refusal_and_sees_its_own_earlier_decisions() -> None:
    service = council_service()
    await ready_council(service)
    a = submit(service, "中山街无公厕", at=NOW - timedelta(days=3))
    b = submit(service, "中山街没有公共厕所", at=NOW - timedelta(days=2))
    c = submit(service, "中山街缺公厕", at=NOW - timedelta(days=1))
    unknown = uuid4()
    results = await screening.screen_topics(service, CHAIR, COMMUNITY, [
        ScreeningRequest(a, decision=ACCEPT),
        ScreeningRequest(unknown, decision=ACCEPT),
        ScreeningRequest(b, decision=Merged(merged_into=a)),
        ScreeningRequest(c, decision=Merged(merged_into=b)),
        ScreeningRequest(b, decision=ACCEPT),
    ])
    assert [r.topic_id for r in results] == [a, unknown, b, c, b]
    assert [r.event is not None for r in results] == [True, False, True, False, False]
    assert [(status_of(r.refusal), r.refusal.error) for r in results if r.refusal] == [
        (409, "topic_unknown"), (409, "merge_into_merged"), (409, "not_awaiting_screening")]
    assert [service.views.status(t) for t in (a, b, c)] == [Status.accepted, Status.merged, Status.submitted]
    assert [e.topic_id for e in service.published(TopicScreened)] == [a, b]


async def test_a_batch_of_a_council_that_cannot_act_refuses_each_and_without_a_council_all() -> None:
    service = council_service()
    topics = [submit(service), submit(service, "泾崇路没有停车位")]
    requests = [ScreeningRequest(t, decision=ACCEPT) for t in topics]
    await refused(screening.screen_topics(service, CHAIR, COMMUNITY, requests), 409, "council_not_ready")
    await ready_council(service, chair=False)
    results = await screening.screen_topics(service, member("m0"), COMMUNITY, requests)
    assert [r.refusal.error for r in results] == ["council_not_ready"] * 2
    assert "尚未任命协商议事会主席" in results[0].refusal.message_zh
    await refused(screening.screen_topics(service, STAFF, COMMUNITY, requests), 403, "role_not_allowed")
    assert not service.published(TopicScreened)


async def test_the_queue_lists_topics_awaiting_screening_with_possible_duplicates() -> None:
    service = council_service()
    await ready_council(service)
    toilet = submit(service, "中山街无公共厕所", at=NOW - timedelta(days=2))
    again = submit(service, "中山街 无公共厕所！", at=NOW - timedelta(days=1))
    parking = submit(service, "泾崇路没有停车位")
    submit(service, "另一个社区的议题", community=OTHER_COMMUNITY)
    await screening.screen_topic(service, CHAIR, ScreeningRequest(toilet, decision=ACCEPT))

    total, page = await screening.awaiting(service, COMMUNITY, limit=10, offset=0)
    assert total == 2 and [record.topic_id for record, _ in page] == [again, parking]
    assert [d.topic_id for d in page[0][1]] == [toilet] and page[1][1] == []
    total, page = await screening.awaiting(service, COMMUNITY, limit=1, offset=1)
    assert total == 2 and [record.title for record, _ in page] == ["泾崇路没有停车位"]
