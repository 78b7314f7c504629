"""The council's topics view on real Kafka: it follows a topic to its end, in any arrival order."""

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

from yishi_contracts import (
    COUNCIL,
    INTAKE,
    MEETING,
    PUBLICATION,
    DisclosureStarted,
    ImplementationCompleted,
    ImplementationReopened,
    ImplementationStarted,
    ImplementationTask,
    MatterEscalated,
    MeetingScheduled,
    Ratings,
    TopicClosed,
)

from tests.support.eventually import eventually
from tests.unit.factories import adopted, researched, screened, submitted

from .conftest import token

T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


async def test_the_view_follows_a_topic_to_its_end_whatever_order_the_steps_arrive_in(council, community) -> None:
    topic, other = uuid4(), uuid4()
    task = ImplementationTask(task_id=uuid4(), description="改造闲置用房", responsible_party="社区居委会",
                              deadline=date(2026, 8, 1))
    resolution = adopted(topic, community).model_copy(update={"adopted_at": day(4)})
    # The latest steps first, from publication; then the meeting's; council's; intake's last.
    await council.feed(PUBLICATION.topic,
                       DisclosureStarted(topic_id=topic, community_id=community, resolution_id=resolution.resolution_id,
                                         published_at=day(4.1), ends_at=day(11)),
                       ImplementationStarted(topic_id=topic, community_id=community, round=1, tasks=[task],
                                             started_at=day(12)),
                       ImplementationCompleted(topic_id=topic, community_id=community, round=1, on_time=True,
                                               completed_at=day(30)),
                       ImplementationReopened(topic_id=topic, community_id=community, round=2, reason="群众不满意",
                                              ratings=Ratings(dissatisfied=3), reopened_at=day(35)))
    await council.feed(MEETING.topic, resolution)
    await council.feed(MEETING.topic, MeetingScheduled(meeting_id=uuid4(), community_id=community, council_id=uuid4(),
                                                       scheduled_for=day(4), place="社区议事厅", topic_ids=[topic, other]),
                       time=day(3))
    await council.feed(COUNCIL.topic, screened(topic, community).model_copy(update={"screened_at": day(1)}),
                       researched(topic, community).model_copy(update={"completed_at": day(2)}))
    await council.feed(INTAKE.topic, submitted(topic, community, submitted_at=T0), submitted(other, community, submitted_at=T0))

    await eventually(lambda: council.status(topic), lambda s: s == "reopened", what="reopened after dissatisfaction")
    assert await council.status(other) == "scheduled"
    staff = token(community, "staff")
    shown = (await council.client.get(f"/topics/{topic}", headers=staff)).json()
    assert shown["status"] == "reopened" and shown["decision"]["category"] == "public_welfare"

    await council.feed(PUBLICATION.topic, TopicClosed(topic_id=topic, community_id=community, round=2,
                                                      ratings=Ratings(satisfied=5), closed_at=day(60)))
    await eventually(lambda: council.status(topic), lambda s: s == "closed", what="closed")
    await council.feed(PUBLICATION.topic, MatterEscalated(
        topic_id=other, community_id=community, escalation_id=uuid4(), kind="cppcc_proposal", ground="beyond_authority",
        summary="停车位问题需区级统筹解决，社区无力单独处理", escalated_at=day(20)))
    await eventually(lambda: council.status(other), lambda s: s == "escalated", what="escalated")
    queue = (await council.client.get(f"/communities/{community}/awaiting-screening", headers=staff)).json()
    assert queue["total"] == 0
