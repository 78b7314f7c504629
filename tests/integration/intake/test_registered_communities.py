"""Intake takes topics in only for registered, active communities, as its replica of council's
registry says (real Kafka and PostgreSQL): unknown and retired codes get a 422, nothing kept."""

import httpx
import pytest

from services.intake.app import create_app
from services.kit.auth import AuthSettings, TokenVerifier
from tests.support.eventually import eventually
from tests.support.in_process import bearer
from tests.support.registry import LAODONGLU, QINGBOMEN, retire, seed_runtime

KEY = "registered-communities-test-key-0123456789"


@pytest.fixture
async def intake(make_database, settings_for):
    app = create_app(settings_for("intake", make_database("intake")))
    app.state.token_verifier = TokenVerifier(AuthSettings(jwt_key=KEY))
    runtime = app.state.runtime
    await runtime.start()
    await seed_runtime(runtime, [QINGBOMEN, LAODONGLU])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake") as client:
        yield runtime, client
    await runtime.stop()


def _topic(community: str) -> dict:
    return {"community_id": community, "title": "清波街路灯不亮", "description": "清波街的路灯坏了一个多月，晚上很黑。"}


async def _kept(runtime) -> tuple[int, int, int]:
    async with runtime.pool.acquire() as conn:
        return (await conn.fetchval("SELECT count(*) FROM submissions"),
                await conn.fetchval("SELECT count(*) FROM event_store"),
                await conn.fetchval("SELECT count(*) FROM outbox"))


async def test_an_unregistered_code_is_refused_for_residents_and_staff(intake) -> None:
    runtime, client = intake
    stranger = "330102001099"
    staff = bearer(KEY, "grid-1", "staff", scope=stranger)
    answers = [await client.post("/topics", json=_topic(stranger)),
               await client.post("/staff/topics", headers=staff,
                                 json={**_topic(stranger), "source": "resident", "channel": "household_visit"})]
    for answer in answers:
        assert answer.status_code == 422, answer.text
        body = answer.json()
        assert body["error"] == "unknown_community" and stranger in body["message_zh"] and body["message_en"]
    assert await _kept(runtime) == (0, 0, 0)
    assert (await client.post("/topics", json=_topic(QINGBOMEN))).status_code == 201


async def test_a_retired_community_is_refused_once_intake_heard_of_it(intake) -> None:
    runtime, client = intake
    assert (await client.post("/topics", json=_topic(LAODONGLU))).status_code == 201
    await retire(runtime.settings.kafka, LAODONGLU)

    async def answer() -> httpx.Response:
        return await client.post("/topics", json=_topic(LAODONGLU))

    refused = await eventually(answer, lambda a: a.status_code == 422, what="the retirement reaching intake")
    assert refused.json()["error"] == "retired_community" and "劳动路社区" in refused.json()["message_zh"]
    before = await _kept(runtime)
    assert (await answer()).status_code == 422 and await _kept(runtime) == before
