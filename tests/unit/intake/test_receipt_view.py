"""The receipt view: every step with its details, the status from the lifecycle in any order."""

from datetime import timedelta
from uuid import UUID, uuid4

import pytest
from yishi_contracts import CommunitySettingsChanged, DivisionRegistered, DivisionRenamed, DivisionRetired, MeetingScheduled, Rejected
from yishi_contracts.lifecycle import LIFECYCLE_EVENTS, label

from services.intake.domain.progress import current_status, steps_of
from services.intake.domain.submission import SubmitTopic
from services.intake.projection import progress
from services.intake.service_layer.look_up_receipt import look_up_receipt
from services.intake.service_layer.submit_topic import submit_topic
from services.kit.errors import status_of
from services.kit.refusal import Refusal

from ..factories import COMMUNITY, NOW, adopted, researched, screened, submitted
from .fakes import feed, intake_service

TOPIC = SubmitTopic(community_id=COMMUNITY, title="中山街无公厕", description="中山街一公里内没有公共厕所。",
                    source="resident", channel="online", submitted_by="resident")


async def test_the_latest_step_wins_whatever_order_events_arrive_in() -> None:
    service = intake_service()
    receipt = await submit_topic(service, TOPIC)
    topic_id, now = UUID(receipt.topic_id), service.clock.now()
    feed(service, adopted(topic_id, COMMUNITY), time=now + timedelta(minutes=5))
    feed(service, screened(topic_id, COMMUNITY), time=now + timedelta(minutes=1))
    view = await look_up_receipt(service, receipt.receipt_code)
    assert view.status == "resolved" and view.title == "中山街无公厕"
    assert [h["step"] for h in view.history] == ["submitted", "accepted", "resolved"]
    assert [h["label_zh"] for h in view.history] == ["已收集，待确定议题", "已立项：公益事业兴办", label("resolved")]
    assert view.history[1]["category"] == "public_welfare" and view.history[2]["resolution"]


async def test_an_unknown_receipt_is_404() -> None:
    with pytest.raises(Refusal) as refused:
        await look_up_receipt(intake_service(), "22222-22222")
    assert status_of(refused.value) == 404 and refused.value.message_zh


def test_the_view_keeps_every_event_of_a_topics_life_and_the_registry() -> None:
    registry = {DivisionRegistered, DivisionRenamed, DivisionRetired, CommunitySettingsChanged}
    assert set(progress.event_types) == set(LIFECYCLE_EVENTS) | registry


def test_a_rejection_shows_its_reason_and_referral() -> None:
    decision = Rejected(reason="individual_dispute", explanation="属于邻里个体矛盾", referral="mediation")
    [step] = steps_of(screened(uuid4(), COMMUNITY, decision), NOW)
    assert step.status == "rejected" and step.entry["label_zh"].startswith("不予协商：")
    assert step.entry["reason"] == "individual_dispute" and step.entry["explanation"] == "属于邻里个体矛盾"
    assert step.entry["referral_zh"] and "referral_note" not in step.entry


def test_a_meeting_marks_each_of_its_topics() -> None:
    topics = [uuid4(), uuid4()]
    meeting = MeetingScheduled(meeting_id=uuid4(), community_id=COMMUNITY, council_id=uuid4(), scheduled_for=NOW,
                               place="社区议事厅", topic_ids=topics)
    steps = steps_of(meeting, NOW)
    assert [s.topic_id for s in steps] == topics
    assert steps[0].entry["label_zh"] == "已列入协商议事会议（社区议事厅）" and steps[0].entry["meeting_at"] == NOW.isoformat()


def test_the_status_comes_from_the_steps_not_their_order() -> None:
    topic_id = uuid4()
    history = [s.entry for s in [*steps_of(researched(topic_id), NOW + timedelta(days=2)),
                                 *steps_of(submitted(topic_id), NOW)]]
    assert current_status(history) == "researched"
    assert steps_of(submitted(topic_id), NOW)[0].title == "环卫工人无处歇脚"
    assert steps_of(object(), NOW) == []
