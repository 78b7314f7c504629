"""The step a receipt shows before the receipt view has the topic is the one the view keeps."""

from datetime import UTC, datetime
from uuid import uuid4

from yishi_contracts import Channel, SubmitterKind, TopicSource, TopicSubmitted

from services.intake.domain.progress import steps_of, submitted_step


def test_the_first_step_is_the_one_the_view_makes_of_the_submission() -> None:
    at = datetime(2026, 12, 1, 9, 30, 15, 123456, tzinfo=UTC)
    event = TopicSubmitted(topic_id=uuid4(), community_id="330102001051", title="清波街路灯不亮",
                           description="清波街的路灯坏了一个多月。", source=TopicSource.resident, channel=Channel.online,
                           submitted_by=SubmitterKind.resident, submitted_at=at)
    [step] = steps_of(event, at)
    assert submitted_step(at) == step.entry
