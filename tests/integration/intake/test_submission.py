"""Taking topics in on real PostgreSQL and Kafka: a double tap is one topic, a colliding
receipt code is drawn again, and the private row, the event and the view commit together."""

import asyncio

import asyncpg
import httpx
import pytest

from services.intake.app import create_app
from services.intake.service_layer import submit_topic as submitting
from services.kit.binding import from_kafka
from tests.support.eventually import eventually
from tests.support.kafka_reading import read_all
from tests.support.registry import seed_runtime

COMMUNITY = "330102003002"
BODY = {"community_id": COMMUNITY, "title": "泾崇路无停车位", "description": "泾崇路沿线没有停车位，车辆乱停。",
        "contact": {"name": "王阿姨", "phone": "13800138000"}}


@pytest.fixture
async def intake(make_database, settings_for):
    app = create_app(settings_for("intake", make_database("intake")))
    runtime = app.state.runtime
    await runtime.start()
    await seed_runtime(runtime, [COMMUNITY])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake") as client:
        yield runtime, client
    await runtime.stop()


async def _published(runtime) -> list:
    records = await read_all(runtime.settings.kafka.bootstrap_servers, runtime.topic)
    return [from_kafka(r.headers, r.key, r.value).data for r in records]


async def test_a_double_tap_with_one_idempotency_key_is_one_topic(intake) -> None:
    runtime, client = intake
    key = {"Idempotency-Key": "double-tap-1"}
    responses = await asyncio.gather(*(client.post("/topics", json=BODY, headers=key) for _ in range(4)))
    assert {r.status_code for r in responses} == {201}, [r.text for r in responses]
    assert len({(r.json()["topic_id"], r.json()["receipt_code"]) for r in responses}) == 1
    async with runtime.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM submissions") == 1
        assert await conn.fetchval("SELECT count(*) FROM event_store") == 1
    published = await eventually(lambda: _published(runtime), lambda p: len(p) >= 1, what="the topic on Kafka")
    assert [str(e.topic_id) for e in published] == [responses[0].json()["topic_id"]]
    assert "13800138000" not in str(published)


async def test_a_colliding_receipt_code_is_drawn_again(intake, monkeypatch: pytest.MonkeyPatch) -> None:
    runtime, client = intake
    first = (await client.post("/topics", json=BODY)).json()
    codes = iter([first["receipt_code"], "BBBBB-33333"])
    monkeypatch.setattr(submitting, "new_receipt_code", lambda: next(codes))
    second = await client.post("/topics", json=BODY)
    assert second.status_code == 201 and second.json()["receipt_code"] == "BBBBB-33333", second.text
    status = (await client.get("/receipts/BBBBB-33333")).json()
    assert status["topic_id"] == second.json()["topic_id"] and [h["step"] for h in status["history"]] == ["submitted"]
    async with runtime.pool.acquire() as conn:
        rows = await conn.fetch("SELECT topic_id::text, receipt_code FROM submissions ORDER BY receipt_code")
        streams = await conn.fetchval("SELECT count(DISTINCT stream_id) FROM event_store")
    assert {r["topic_id"] for r in rows} == {first["topic_id"], second.json()["topic_id"]} and streams == 2


async def test_the_contact_stays_in_intakes_own_table(intake) -> None:
    runtime, client = intake
    receipt = (await client.post("/topics", json=BODY)).json()
    conn: asyncpg.Connection
    async with runtime.pool.acquire() as conn:
        row = await conn.fetchrow("SELECT contact_name, contact_phone FROM submissions WHERE receipt_code = $1",
                                  receipt["receipt_code"])
        stored = await conn.fetchval("SELECT envelope::text FROM event_store WHERE stream_id = $1", receipt["topic_id"])
    assert (row["contact_name"], row["contact_phone"]) == ("王阿姨", "13800138000")
    assert "13800138000" not in stored and "王阿姨" not in stored
