"""The events a benchmark pushes: real TopicSubmitted envelopes, as the wire carries them."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from yishi_contracts import INTAKE, Channel, Envelope, SubmitterKind, TopicSource, TopicSubmitted

from services.kit.binding import KafkaRecord, to_kafka

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
TITLES = ("中山街学生上下学道路拥堵", "泾崇路无停车位", "中山街无公厕", "环卫工人无处休息就餐")


def submissions(n: int, communities: int = 100) -> list[Envelope[TopicSubmitted]]:
    out = []
    for i in range(n):
        community = f"330102{1 + i % 200:03d}{1 + (i // 200) % communities:03d}"
        event = TopicSubmitted(
            topic_id=uuid4(), community_id=community, title=f"{TITLES[i % 4]}（{i}）",
            description="居民反映的问题，需要社区协商议事会研究解决，附近居民意见较大。",
            source=TopicSource.resident, channel=Channel.online, submitted_by=SubmitterKind.resident,
            submitted_at=T0 + timedelta(seconds=i),
        )
        out.append(Envelope.wrap(event, source=INTAKE.source, time=event.submitted_at))
    return out


def records(envelopes: list[Envelope[TopicSubmitted]]) -> list[KafkaRecord]:
    return [to_kafka(e) for e in envelopes]
