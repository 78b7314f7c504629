"""Idempotency-Key on real PostgreSQL over HTTP: a malformed key is refused with a clear 400,
a key is scoped per community and caller, a replay answers the first receipt, and a reuse for
another request is refused instead of answering someone else's receipt."""

import asyncio
import json

import asyncpg
import httpx
import pytest

from services.intake.app import create_app
from services.kit.auth import AuthSettings, TokenVerifier
from services.system import migrate
from tests.support.in_process import bearer
from tests.support.registry import seed_runtime

COMMUNITY, ELSEWHERE = "330102003005", "330102003006"
KEY = "AUTHKEY-for-idempotency-tests-0123456789"
BODY = {"community_id": COMMUNITY, "title": "中山街无公厕", "description": "中山街沿线没有公共厕所，居民和游客很不方便。"}
STAFF_BODY = {**BODY, "source": "resident", "channel": "household_visit"}


@pytest.fixture
async def intake(make_database, settings_for):
    app = create_app(settings_for("intake", make_database("intake")))
    app.state.token_verifier = TokenVerifier(AuthSettings(jwt_key=KEY))
    runtime = app.state.runtime
    await runtime.start()
    await seed_runtime(runtime, [COMMUNITY, ELSEWHERE])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake") as client:
        yield runtime, client
    await runtime.stop()


async def _count(runtime, table: str) -> int:
    async with runtime.pool.acquire() as conn:
        return await conn.fetchval(f"SELECT count(*) FROM {table}")


def _key(value: str | bytes) -> dict[str, str | bytes]:
    return {"Idempotency-Key": value}


def _staff(sub: str) -> dict[str, str]:
    return bearer(KEY, sub, "staff", scope=COMMUNITY)


@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("k" * 101, "101 characters"),
        (b"tap\x01one", "visible ASCII"),
        ("中文键".encode(), "visible ASCII"),
        (b"\xe3\x80\x80", "visible ASCII"),  # an ideographic space alone
    ],
    ids=["empty", "spaces", "101-long", "control", "not-ascii", "full-width-space"],
)
async def test_a_malformed_key_is_refused_with_400_every_time_and_keeps_nothing(intake, key, says) -> None:
    runtime, client = intake
    for _ in range(2):  # the second one too: nothing of the first was kept to trip over
        refused = await client.post("/topics", json=BODY, headers=_key(key))
        assert refused.status_code == 400, refused.text
        body = refused.json()
        assert body["error"] == "invalid_idempotency_key" and "Idempotency-Key" in body["message_zh"]
        assert says in body["message_en"]
    assert await _count(runtime, "submissions") == await _count(runtime, "event_store") == 0
    assert (await client.post("/topics", json=BODY)).status_code == 201  # without a key, as always


async def test_a_key_of_100_visible_characters_with_inner_spaces_is_taken(intake) -> None:
    _, client = intake
    key = "a b-" * 25
    first, again = [await client.post("/topics", json=BODY, headers=_key(key)) for _ in range(2)]
    assert first.status_code == again.status_code == 201
    assert first.json()["receipt_code"] == again.json()["receipt_code"]


async def test_a_replay_of_the_same_request_answers_the_first_receipt_however_its_json_is_spelled(intake) -> None:
    runtime, client = intake
    first = await client.post("/topics", json=BODY, headers=_key("tap-1"))
    spaced = {k: v if k == "community_id" else f"  {v} " for k, v in BODY.items()}  # stripped when validated
    respelled = "{" + ", ".join(f'"{k}" : "{v}"' for k, v in reversed(spaced.items())) + "}"
    again = await client.post("/topics", content=respelled.encode(),
                              headers={**_key("tap-1"), "content-type": "application/json"})
    assert first.status_code == again.status_code == 201, again.text
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert await _count(runtime, "submissions") == await _count(runtime, "event_store") == 1


async def test_the_same_key_with_another_request_is_refused_and_says_so(intake) -> None:
    runtime, client = intake
    first = await client.post("/topics", json=BODY, headers=_key("tap-2"))
    other = {**BODY, "title": "泾崇路无停车位", "description": "泾崇路沿线没有停车位，车辆乱停影响通行。"}
    reused = await client.post("/topics", json=other, headers=_key("tap-2"))
    with_contact = await client.post("/topics", json={**BODY, "contact": {"phone": "13800138000"}}, headers=_key("tap-2"))
    assert first.status_code == 201
    for refused in (reused, with_contact):
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"] == "idempotency_key_reused"
        assert "Idempotency-Key" in refused.json()["message_zh"] and "different" in refused.json()["message_en"]
        assert first.json()["receipt_code"] not in refused.text
    assert await _count(runtime, "submissions") == await _count(runtime, "event_store") == 1


async def test_keys_are_scoped_per_community_and_caller(intake) -> None:
    runtime, client = intake
    answers = [
        await client.post("/topics", json=BODY, headers=_key("tap-3")),  # a resident in COMMUNITY
        await client.post("/topics", json={**BODY, "community_id": ELSEWHERE}, headers=_key("tap-3")),
        await client.post("/staff/topics", json=STAFF_BODY, headers={**_key("tap-3"), **_staff("grid-07")}),
        await client.post("/staff/topics", json=STAFF_BODY, headers={**_key("tap-3"), **_staff("grid-08")}),
    ]
    assert [a.status_code for a in answers] == [201] * 4, [a.text for a in answers]
    assert len({a.json()["receipt_code"] for a in answers}) == 4
    again = await client.post("/staff/topics", json=STAFF_BODY, headers={**_key("tap-3"), **_staff("grid-07")})
    assert again.json()["receipt_code"] == answers[2].json()["receipt_code"]
    assert await _count(runtime, "submissions") == 4


async def test_racing_requests_under_one_key_take_one_topic_in_and_refuse_the_others(intake) -> None:
    runtime, client = intake
    bodies = [{**BODY, "title": f"中山街无公厕（{n}）"} for n in range(4)]
    answers = await asyncio.gather(*(client.post("/topics", json=b, headers=_key("tap-4")) for b in bodies))
    assert sorted(a.status_code for a in answers) == [201, 422, 422, 422], [a.text for a in answers]
    assert await _count(runtime, "submissions") == await _count(runtime, "event_store") == 1


async def test_the_migration_scopes_keys_kept_before_and_drops_empty_ones(make_database) -> None:
    url = make_database("intake")
    migrate.downgrade("intake", url, "intake_0001")
    conn = await asyncpg.connect(url)
    try:
        for n, (key, data) in enumerate([("", {"submitted_by": "resident"}),
                                         ("old-1", {"submitted_by": "staff", "staff_id": "grid-07"}),
                                         ("old-2", {"submitted_by": "resident", "staff_id": None})]):
            topic = f"00000000-0000-0000-0000-00000000000{n}"
            await conn.execute("INSERT INTO submissions (topic_id, receipt_code, community_id, idempotency_key, "
                               "submitted_at) VALUES ($1, $2, $3, $4, now())", topic, f"CODE{n}", COMMUNITY, key)
            await conn.execute(
                "INSERT INTO event_store (stream_id, version, event_id, event_type, community_id, correlation_id, "
                "occurred_at, envelope) VALUES ($1, 1, gen_random_uuid(), 'yishi.TopicSubmitted.v1', $2, "
                "gen_random_uuid(), now(), jsonb_build_object('data', $3::text::jsonb))",
                topic, COMMUNITY, json.dumps(data))
        migrate.upgrade("intake", url)
        rows = await conn.fetch("SELECT idempotency_key, idempotency_caller, request_digest FROM submissions "
                                "ORDER BY receipt_code")
        assert [tuple(r) for r in rows] == [(None, None, None), ("old-1", "staff:grid-07", None),
                                            ("old-2", "resident", None)]
    finally:
        await conn.close()
