"""One meeting service in-process on real Kafka and PostgreSQL, and what tests do with it:
feed upstream contract events, call the HTTP API with tokens, read what was published."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI
from yishi_contracts import (
    COUNCIL, INTAKE, Accepted, CouncilCompositionChanged, CouncilMember, Envelope, Event, Invitee, ResearchCompleted,
    ResearchReopened, SiteVisit, TopicScreened, TopicSubmitted,
)

from services.kit.binding import from_kafka, to_kafka
from services.kit.runtime import ServiceRuntime
from services.kit.settings import ServiceSettings
from services.meeting.app import build_runtime
from services.meeting.entrypoints.http import meeting_router
from services.meeting.service_layer.ports import MeetingViews
from tests.support.eventually import eventually
from tests.support.in_process import bearer
from tests.support.kafka_reading import read_all

KEY = "meeting-integration-test-key-0123456789"
CHAIR = "chair-1"
MEMBERS = [f"m{i}" for i in range(1, 10)]
CATEGORIES = ["cppcc_member", "two_committees", "owners_committee", "resident_representative", "health_station"]


def now() -> datetime:
    return datetime.now(UTC)


def roster(community_id: str, council_id: UUID | None = None, members: list[str] = MEMBERS
           ) -> CouncilCompositionChanged:
    return CouncilCompositionChanged(
        community_id=community_id,
        council_id=council_id or uuid4(),
        chair_id=CHAIR,
        chair_name="王主席",
        fixed_members=[
            CouncilMember(member_id=m, name=f"成员{m}", category=CATEGORIES[i % 5],
                          term_start=date(2026, 1, 1), term_end=date(2028, 12, 31))
            for i, m in enumerate(members)
        ],
        changed_at=now(),
    )


def submitted(topic_id: UUID, community_id: str, title: str = "环卫工人无处歇脚") -> TopicSubmitted:
    return TopicSubmitted(
        topic_id=topic_id, community_id=community_id, title=title,
        description="中山街一带的环卫工人没有地方休息、喝水和吃饭。", source="resident", channel="online",
        submitted_by="resident", submitted_at=now() - timedelta(days=10),
    )


def screened(topic_id: UUID, community_id: str) -> TopicScreened:
    return TopicScreened(
        topic_id=topic_id, community_id=community_id, council_id=uuid4(), decision=Accepted(category="public_welfare"),
        screened_by=CHAIR, screened_at=now() - timedelta(days=8),
    )


def researched(topic_id: UUID, community_id: str, at: datetime | None = None) -> ResearchCompleted:
    return ResearchCompleted(
        topic_id=topic_id, community_id=community_id, council_id=uuid4(), researchers=["m1", "m2"],
        site_visits=[SiteVisit(visited_on=date(2026, 11, 20), place="中山街环卫站", notes="无休息场所")],
        findings="附近有闲置的社区用房可改造", feasibility="feasible", consultation_plan="改造社区闲置用房为爱心驿站",
        invitees=[Invitee(kind="stakeholder", description="环卫工人代表"),
                  Invitee(kind="community_station", description="社区卫生站")],
        completed_at=at or now() - timedelta(days=1),
    )


def reopened(topic_id: UUID, community_id: str) -> ResearchReopened:
    return ResearchReopened(
        topic_id=topic_id, community_id=community_id, council_id=uuid4(), cause="objection_upheld",
        reason="居民异议成立，需重新调研", reopened_at=now(),
    )


MEASURES = [{"description": "改造社区闲置用房为爱心驿站", "responsible_party": "社区居委会",
             "deadline": (date.today() + timedelta(days=30)).isoformat()}]
RESOLUTION = "将社区闲置用房改造为环卫工人爱心驿站，提供休息、饮水和热饭。"


@dataclass
class Harness:
    runtime: ServiceRuntime[MeetingViews]
    app: FastAPI
    producer: AIOKafkaProducer
    bootstrap: str

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://meeting")

    @staticmethod
    def token(sub: str, *roles: str, scope: str) -> dict[str, str]:
        return bearer(KEY, sub, *roles, scope=scope)

    async def send(self, event: Event) -> Envelope:
        stream = COUNCIL if not isinstance(event, TopicSubmitted) else INTAKE
        envelope = Envelope.wrap(event, source=stream.source)
        record = to_kafka(envelope)
        kafka_topic = self.runtime.settings.kafka.topic(stream.topic)
        await self.producer.send_and_wait(kafka_topic, record.value, key=record.key, headers=record.headers)
        return envelope

    async def ready(self, community_id: str) -> list[dict[str, Any]]:
        async with self.client() as http:
            staff = self.token("staff-1", "staff", scope=community_id)  # the plans are not public
            return (await http.get(f"/communities/{community_id}/ready-for-agenda", headers=staff)).json()

    async def wait_ready(
        self, community_id: str, topic_id: UUID, *, present: bool = True, filled: tuple[str, ...] = ()
    ) -> None:
        """Wait until the topic is (or is no longer) an agenda candidate, with ``filled`` columns known."""

        def seen(rows: list[dict[str, Any]]) -> bool:
            row = next((r for r in rows if r["topic_id"] == str(topic_id)), None)
            if not present:
                return row is None
            return row is not None and all(row[column] is not None for column in filled)

        await eventually(lambda: self.ready(community_id), seen, what=f"topic {topic_id} ready={present}")

    async def wait_roster(self, community_id: str, size: int = len(MEMBERS)) -> None:
        headers = self.token("staff-1", "staff", scope=community_id)

        async def probe() -> int:
            async with self.client() as http:
                response = await http.get(f"/communities/{community_id}/roster", headers=headers)
            return len(response.json()["fixed_members"]) if response.status_code == 200 else -1

        await eventually(probe, lambda n: n == size, what=f"roster of {community_id}")

    async def published(self, type_name: str, **match: Any) -> list[Envelope]:
        """The meeting's public events of one type on Kafka whose data has the given values."""

        async def probe() -> list[Envelope]:
            records = await read_all(self.bootstrap, self.runtime.topic)
            found = [from_kafka(r.headers, r.key, r.value) for r in records]
            return [
                e for e in found
                if e.type == type_name and all(str(getattr(e.data, k)) == str(v) for k, v in match.items())
            ]

        return await eventually(probe, bool, what=f"{type_name} {match} on Kafka")


def build_app(settings: ServiceSettings) -> tuple[ServiceRuntime[MeetingViews], FastAPI]:
    from services.kit.auth import AuthSettings, TokenVerifier

    runtime = build_runtime(settings)
    app = runtime.create_app(title="meeting under test", routers=[meeting_router(runtime)])
    app.state.token_verifier = TokenVerifier(AuthSettings(jwt_key=KEY))
    return runtime, app
