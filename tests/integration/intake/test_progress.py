"""Intake on real Kafka and PostgreSQL: the receipt view follows every step in any arrival
order, and a topic returned for details comes back with them."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from yishi_contracts import COUNCIL, INTAKE, MEETING, Envelope, Returned, TopicResubmitted

from services.intake.app import build_runtime
from services.kit.binding import from_kafka, to_kafka
from tests.support.eventually import eventually
from tests.support.kafka_reading import read_all
from tests.support.registry import seed_runtime
from tests.unit.factories import adopted, screened

COMMUNITY = "330102003001"


@pytest.fixture
async def intake(make_database, settings_for, infra):
    runtime = build_runtime(settings_for("intake", make_database("intake")))
    app = runtime.create_app(title="intake under test", routers=[])
    from services.intake.entrypoints.http import intake_router

    app.include_router(intake_router(runtime))
    await runtime.start()
    await seed_runtime(runtime, [COMMUNITY])
    producer = AIOKafkaProducer(bootstrap_servers=infra.bootstrap_servers)
    await producer.start()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake") as client:
        yield runtime, client, producer
    await producer.stop()
    await runtime.stop()


async def _publish(producer, runtime, topic: str, event, at: datetime) -> None:
    record = to_kafka(Envelope.wrap(event, source="/yishi/test", time=at))
    await producer.send_and_wait(runtime.settings.kafka.topic(topic), record.value, key=record.key, headers=record.headers)


async def _status(client: httpx.AsyncClient, code: str) -> dict:
    return (await client.get(f"/receipts/{code}")).json()


async def test_a_returned_topic_comes_back_with_details(intake) -> None:
    runtime, client, producer = intake
    body = {"community_id": COMMUNITY, "title": "泾崇路无停车位", "description": "泾崇路沿线没有停车位，车辆乱停。"}
    receipt = (await client.post("/topics", json=body)).json()
    code, topic_id = receipt["receipt_code"], receipt["topic_id"]

    early = await client.post(f"/receipts/{code}/details", json={"details": "路段是泾崇路100号到300号。"})
    assert early.status_code == 409 and early.json()["error"] == "not_returned"

    returned = screened(topic_id, COMMUNITY, Returned(details_requested="请说明具体路段和高峰时间"))
    await _publish(producer, runtime, COUNCIL.topic, returned, datetime.now(UTC))
    status = await eventually(lambda: _status(client, code), lambda s: s["status"] == "returned", what="returned")
    assert status["history"][-1]["details_requested"] == "请说明具体路段和高峰时间"

    added = await client.post(f"/receipts/{code}/details", json={"details": "泾崇路100号到300号，早晚高峰最严重。"})
    assert added.status_code == 202, added.text
    assert (await _status(client, code))["status"] == "resubmitted"

    records = await read_all(runtime.settings.kafka.bootstrap_servers, runtime.topic)
    events = [from_kafka(r.headers, r.key, r.value).data for r in records]
    assert [type(e).__name__ for e in events if str(e.topic_id) == topic_id] == ["TopicSubmitted", "TopicResubmitted"]
    assert isinstance(events[-1], TopicResubmitted) and "早晚高峰" in events[-1].details


async def test_the_latest_step_wins_whatever_order_events_arrive_in(intake) -> None:
    runtime, client, producer = intake
    body = {"community_id": COMMUNITY, "title": "中山街无公厕", "description": "中山街一公里内没有公共厕所。"}
    receipt = (await client.post("/topics", json=body)).json()
    code, topic_id = receipt["receipt_code"], receipt["topic_id"]
    now = datetime.now(UTC)
    # The meeting's resolution arrives before the council's screening it depends on.
    await _publish(producer, runtime, MEETING.topic, adopted(topic_id, COMMUNITY), now + timedelta(minutes=5))
    await _publish(producer, runtime, COUNCIL.topic, screened(topic_id, COMMUNITY), now + timedelta(minutes=1))
    status = await eventually(lambda: _status(client, code), lambda s: len(s["history"]) == 3, what="three steps")
    assert status["status"] == "resolved"
    assert [h["step"] for h in status["history"]] == ["submitted", "accepted", "resolved"]
    assert status["history"][1]["label_zh"] == "已立项：公益事业兴办"


async def test_an_unknown_code_cannot_add_details(intake) -> None:
    _, client, _ = intake
    response = await client.post("/receipts/22222-22222/details", json={"details": "补充一些材料内容，路段和时间。"})
    assert response.status_code == 404
