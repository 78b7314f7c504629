"""Adding the details the council asked for (补充材料), in memory."""

from uuid import UUID

import pytest
from yishi_contracts import Returned, TopicResubmitted

from services.intake.domain.submission import SubmitTopic
from services.intake.service_layer.resubmit_topic import resubmit_topic
from services.intake.service_layer.submit_topic import submit_topic
from services.kit.errors import status_of
from services.kit.refusal import Refusal

from ..factories import COMMUNITY, screened
from .fakes import feed, intake_service

TOPIC = SubmitTopic(community_id=COMMUNITY, title="泾崇路无停车位", description="泾崇路沿线没有停车位，车辆乱停。",
                    source="resident", channel="online", submitted_by="resident")
DETAILS = "泾崇路100号到300号，早晚高峰最严重。"


async def test_details_for_a_returned_topic_go_back_to_screening() -> None:
    service = intake_service()
    receipt = await submit_topic(service, TOPIC)
    topic_id = UUID(receipt.topic_id)
    feed(service, screened(topic_id, COMMUNITY, Returned(details_requested="请说明具体路段和高峰时间")),
         time=service.clock.advance(hours=1))
    service.clock.advance(hours=1)
    after = await resubmit_topic(service, receipt.receipt_code, DETAILS)
    assert after.resubmissions == 1
    [event] = service.published(TopicResubmitted)
    assert event.topic_id == topic_id and event.details == DETAILS and event.resubmitted_at == service.clock.now()
    assert await service.views.progress_status(topic_id) == "resubmitted"


async def test_details_are_refused_unless_the_topic_was_returned() -> None:
    service = intake_service()
    receipt = await submit_topic(service, TOPIC)
    with pytest.raises(Refusal) as refused:
        await resubmit_topic(service, receipt.receipt_code, DETAILS)
    assert refused.value.error == "not_returned" and status_of(refused.value) == 409
    assert not service.published(TopicResubmitted)


async def test_returned_once_means_details_once() -> None:
    service = intake_service()
    receipt = await submit_topic(service, TOPIC)
    feed(service, screened(UUID(receipt.topic_id), COMMUNITY, Returned(details_requested="请说明具体路段和高峰时间")),
         time=service.clock.advance(hours=1))
    service.clock.advance(hours=1)
    await resubmit_topic(service, receipt.receipt_code, DETAILS)
    with pytest.raises(Refusal) as refused:
        await resubmit_topic(service, receipt.receipt_code, DETAILS)
    assert refused.value.error == "not_returned" and len(service.published(TopicResubmitted)) == 1


async def test_an_unknown_receipt_code_is_404() -> None:
    with pytest.raises(Refusal) as refused:
        await resubmit_topic(intake_service(), "22222-22222", DETAILS)
    assert refused.value.error == "receipt_not_found" and status_of(refused.value) == 404
