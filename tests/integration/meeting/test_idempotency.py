"""Idempotency keys on the meeting's commands, over HTTP with real Kafka and PostgreSQL: a
convene sent twice with one key convenes one meeting (issue 9), twice at once too; the key
with another request is a 422, a malformed one a 400; a refusal is not kept; no key, as before."""

import asyncio
from datetime import timedelta
from uuid import UUID, uuid4

from prometheus_client import REGISTRY

from .harness import CHAIR, Harness, now, researched, roster, screened, submitted

COMMUNITY = "330102001051"  # 清波门社区


async def _meetings(meeting: Harness) -> int:
    async with meeting.runtime.pool.acquire() as conn:
        return await conn.fetchval("SELECT count(DISTINCT stream_id) FROM event_store WHERE community_id = $1 "
                                   "AND stream_id LIKE 'meeting:%'", COMMUNITY)


async def _events(meeting: Harness, stream_prefix: str) -> int:
    async with meeting.runtime.pool.acquire() as conn:
        return await conn.fetchval("SELECT count(*) FROM event_store WHERE stream_id LIKE $1", f"{stream_prefix}%")


async def _ready_topics(meeting: Harness, n: int) -> list[UUID]:
    """A council on the roster (each test sends it: any one may run alone) and ``n`` researched topics."""
    await meeting.send(roster(COMMUNITY))
    await meeting.wait_roster(COMMUNITY)
    topics = [uuid4() for _ in range(n)]
    for topic in topics:
        await meeting.send(submitted(topic, COMMUNITY))
        await meeting.send(screened(topic, COMMUNITY))
        await meeting.send(researched(topic, COMMUNITY))
    for topic in topics:
        await meeting.wait_ready(COMMUNITY, topic, filled=("title", "category"))
    return topics


def _convene(topic: UUID, place: str = "社区议事厅") -> dict:
    return {"community_id": COMMUNITY, "scheduled_for": (now() + timedelta(hours=2)).isoformat(),
            "agenda": [str(topic)], "place": place}


def _counted(outcome: str) -> float:
    labels = {"service": "meeting", "outcome": outcome}
    return REGISTRY.get_sample_value("yishi_idempotent_replays_total", labels) or 0.0


def _keyed(meeting: Harness, key: str) -> dict[str, str]:
    return {**meeting.token(CHAIR, "council_chair", scope=COMMUNITY), "Idempotency-Key": key}


async def test_a_convene_sent_twice_with_one_key_convenes_one_meeting(meeting: Harness) -> None:
    first_topic, raced_topic = await _ready_topics(meeting, 2)
    before, replays, reuses = await _meetings(meeting), _counted("replayed"), _counted("reused")
    body = _convene(first_topic)
    async with meeting.client() as http:
        first = await http.post("/meetings", json=body, headers=_keyed(meeting, "convene-1"))
        assert first.status_code == 201, first.text
        assert "idempotent-replayed" not in first.headers
        again = await http.post("/meetings", json=body, headers=_keyed(meeting, "convene-1"))
        assert again.status_code == 201 and again.content == first.content, "the first answer, byte for byte"
        assert again.headers["idempotent-replayed"] == "true"
        assert await _meetings(meeting) == before + 1, "the replay convened nothing"
        assert await _events(meeting, f"meeting:{first.json()['meeting_id']}") >= 1

        other = await http.post("/meetings", json=_convene(first_topic, "另一个地点"), headers=_keyed(meeting, "convene-1"))
        assert other.status_code == 422 and other.json()["error"] == "idempotency_key_reused"
        assert other.json()["message_zh"] and other.json()["message_en"]

        raced_body = _convene(raced_topic)
        raced = await asyncio.gather(*(http.post("/meetings", json=raced_body, headers=_keyed(meeting, "convene-2"))
                                       for _ in range(2)))
        assert [r.status_code for r in raced] == [201, 201], [r.text for r in raced]
        assert raced[0].json() == raced[1].json()
        assert sorted(r.headers.get("idempotent-replayed", "") for r in raced) == ["", "true"]
        assert await _meetings(meeting) == before + 2, "two requests at once with one key: one meeting"
    assert (_counted("replayed") - replays, _counted("reused") - reuses) == (2, 1), "counted for the operator"


async def test_a_refusal_is_not_kept_and_a_malformed_key_is_a_400(meeting: Harness) -> None:
    [topic] = await _ready_topics(meeting, 1)
    before = await _meetings(meeting)
    async with meeting.client() as http:
        unknown = await http.post("/meetings", json=_convene(uuid4()), headers=_keyed(meeting, "convene-3"))
        assert unknown.status_code in (404, 409), unknown.text
        fixed = await http.post("/meetings", json=_convene(topic), headers=_keyed(meeting, "convene-3"))
        assert fixed.status_code == 201, "a refused request left the key free for the corrected one"
        assert await _meetings(meeting) == before + 1

        for bad in ("", " ", "x" * 101):
            refused = await http.post("/meetings", json=_convene(topic), headers=_keyed(meeting, bad))
            assert refused.status_code == 400 and refused.json()["error"] == "invalid_idempotency_key", bad
            assert refused.json()["message_zh"] and refused.json()["message_en"]
        unauthenticated = await http.post("/meetings", json=_convene(topic), headers={"Idempotency-Key": "k"})
        assert unauthenticated.status_code == 401

        staff = meeting.token("staff-1", "staff", scope=COMMUNITY)
        mid = fixed.json()["meeting_id"]
        arrive = {"person_id": "m1", "movement": "arrived"}
        plain = await http.post(f"/meetings/{mid}/attendance", json=arrive, headers=staff)
        assert plain.status_code == 200 and "idempotent-replayed" not in plain.headers, "no key: as before"
        keyed = {**staff, "Idempotency-Key": "arrive-m2"}
        arrive_m2 = {"person_id": "m2", "movement": "arrived"}
        one = await http.post(f"/meetings/{mid}/attendance", json=arrive_m2, headers=keyed)
        events = await _events(meeting, f"meeting:{mid}")
        two = await http.post(f"/meetings/{mid}/attendance", json=arrive_m2, headers=keyed)
        assert one.status_code == two.status_code == 200 and one.json() == two.json()
        assert await _events(meeting, f"meeting:{mid}") == events

        # Keyed commands on one meeting at once, each with its own key: the losers of the race
        # decide again inside their held transaction (a savepoint each), and every one counts.
        people = ["m4", "m5", "m6", "m7"]
        raced = await asyncio.gather(*(
            http.post(f"/meetings/{mid}/attendance", json={"person_id": p, "movement": "arrived"},
                      headers={**staff, "Idempotency-Key": f"arrive-{p}"}) for p in people))
        assert [r.status_code for r in raced] == [200] * len(people), [r.text for r in raced]
        assert await _events(meeting, f"meeting:{mid}") == events + len(people)
        assert await _meetings(meeting) == before + 1


async def test_keys_are_the_actors_own(meeting: Harness) -> None:
    """One key sent by two people is two keys: neither gets the other's answer."""
    [topic] = await _ready_topics(meeting, 1)
    async with meeting.client() as http:
        convened = await http.post("/meetings", json=_convene(topic), headers=_keyed(meeting, "shared-key"))
        assert convened.status_code == 201, convened.text
        mid = convened.json()["meeting_id"]
        headers = {**meeting.token("staff-1", "staff", scope=COMMUNITY), "Idempotency-Key": "shared-key"}
        arrived = await http.post(f"/meetings/{mid}/attendance", json={"person_id": "m3", "movement": "arrived"},
                                  headers=headers)
        assert arrived.status_code == 200 and "idempotent-replayed" not in arrived.headers, arrived.text
