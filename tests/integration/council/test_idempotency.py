"""Idempotency keys on the council's commands, over HTTP with real Kafka and PostgreSQL: a
council formed and a member nominated twice with one key are so once, twice at once too; the
key with another request is a 422, a malformed one a 400; a refusal is not kept; no key, as before."""

import asyncio

from .conftest import TERM, token

COMMUNITY = "330102001052"  # 劳动路社区


async def _events(council, community: str) -> int:
    return await council.db.fetchval("SELECT count(*) FROM event_store WHERE community_id = $1", community)


def _keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


def _nominee(member: str, category: str = "two_committees") -> dict:
    return {"member_id": member, "name": f"成员{member}", "category": category, **TERM}


async def test_a_council_formed_and_a_member_nominated_twice_with_one_key_are_so_once(council) -> None:
    party, staff = token(COMMUNITY, "party_committee", sub="party-1"), token(COMMUNITY, "staff")
    formed = await council.client.post("/councils", json={"community_id": COMMUNITY}, headers=_keyed(party, "form"))
    assert formed.status_code == 201, formed.text
    again = await council.client.post("/councils", json={"community_id": COMMUNITY}, headers=_keyed(party, "form"))
    assert again.status_code == 201 and again.json() == formed.json()
    assert again.headers["idempotent-replayed"] == "true"
    council_id = formed.json()["council_id"]
    members = f"/councils/{council_id}/members"
    before = await _events(council, COMMUNITY)

    nominated = await council.client.post(members, json=_nominee("m1"), headers=_keyed(staff, "nominate-m1"))
    assert nominated.status_code == 201, nominated.text
    per_nomination = await _events(council, COMMUNITY) - before
    assert per_nomination >= 1
    replay = await council.client.post(members, json=_nominee("m1"), headers=_keyed(staff, "nominate-m1"))
    assert replay.status_code == 201 and replay.json() == nominated.json()
    assert await _events(council, COMMUNITY) == before + per_nomination, "the replay nominated nobody"

    reused = await council.client.post(members, json=_nominee("m9"), headers=_keyed(staff, "nominate-m1"))
    assert reused.status_code == 422 and reused.json()["error"] == "idempotency_key_reused"
    assert reused.json()["message_zh"] and reused.json()["message_en"]

    raced = await asyncio.gather(*(council.client.post(members, json=_nominee("m2"), headers=_keyed(staff, "nominate-m2"))
                                   for _ in range(2)))
    assert [r.status_code for r in raced] == [201, 201] and raced[0].json() == raced[1].json()
    assert sorted(r.headers.get("idempotent-replayed", "") for r in raced) == ["", "true"]
    assert await _events(council, COMMUNITY) == before + 2 * per_nomination

    invalid = await council.client.post(members, json=_nominee("m3", "nobody"), headers=_keyed(staff, "nominate-m3"))
    assert invalid.status_code == 422 and invalid.json()["error"] == "invalid_input"
    corrected = await council.client.post(members, json=_nominee("m3"), headers=_keyed(staff, "nominate-m3"))
    assert corrected.status_code == 201 and "idempotent-replayed" not in corrected.headers, "a refusal is not kept"

    for bad in ("", "x" * 101):
        refused = await council.client.post(members, json=_nominee("m4"), headers=_keyed(staff, bad))
        assert refused.status_code == 400 and refused.json()["error"] == "invalid_idempotency_key"
    plain = await council.client.post(members, json=_nominee("m4"), headers=staff)
    assert plain.status_code == 201 and "idempotent-replayed" not in plain.headers
    assert await _events(council, COMMUNITY) == before + 4 * per_nomination
    assert [m["member_id"] for m in plain.json()["members"]] == ["m1", "m2", "m3", "m4"]


async def test_a_code_list_imported_twice_with_one_key_is_answered_alike(council) -> None:
    """A CSV body is digested by its bytes: the same file replays, another is a 422."""
    office = token("3301", "city_office", sub="city-1")
    csv = "code,name,parent_code\n330102000000,上城区,330100000000\n".encode()
    headers = {**_keyed(office, "import-1"), "content-type": "text/csv"}
    first = await council.client.post("/divisions/import", content=csv, headers=headers)
    assert first.status_code == 200, first.text
    second = await council.client.post("/divisions/import", content=csv, headers=headers)
    assert second.json() == first.json() and second.headers["idempotent-replayed"] == "true"
    other = await council.client.post("/divisions/import", content=csv + "330102001000,清波街道,330102000000\n".encode(),
                                      headers=headers)
    assert other.status_code == 422 and other.json()["error"] == "idempotency_key_reused"
