"""``tasks_view`` on real Kafka and PostgreSQL: the lists read from it equal the fold of each topic's
implementation stream (rounds, reopening, progress, completion), a district's list spans its two
streets, a rebuild from offset 0 recreates the view, and a topic's progress entries."""

import random
from datetime import timedelta
from uuid import UUID

import pytest

from services.kit.rebuild import rebuild
from services.publication.domain import Implementation, local_day
from services.publication.service_layer.config import implementation_stream
from services.publication.service_layer.grace import graces
from tests.support.eventually import eventually

from .conftest import Publication, token
from .test_publication import CODES, resolved


async def _started(p: Publication, topic_id: UUID, rounds: int = 1) -> list[UUID]:
    started = await eventually(lambda: p.published("yishi.ImplementationStarted", topic_id),
                               lambda e: len(e) == rounds, what=f"round {rounds} started", timeout=30)
    return [t.task_id for t in started[-1].tasks]


async def _ok(response) -> dict:
    assert response.status_code in (200, 201), response.text
    return response.json()


@pytest.fixture(scope="module")
async def district(publication) -> dict[str, object]:
    p = publication
    prefix = f"33{random.randrange(10**4):04d}"
    a, b = f"{prefix}001001", f"{prefix}002001"  # two streets of one district
    d0 = local_day(p.clock.now())
    topics = {
        "two_tasks": await resolved(p, a, d0 + timedelta(days=10), d0 + timedelta(days=40)),
        "reopened": await resolved(p, a, d0 + timedelta(days=9)),
        "other_street": await resolved(p, b, d0 + timedelta(days=12)),
    }
    p.clock.advance(timedelta(days=8))  # the disclosures end; implementation starts
    tasks = {name: await _started(p, t) for name, t in topics.items()}
    staff_a, progress = token(a, "staff", sub="worker-7"), f"/topics/{topics['two_tasks']}/tasks"
    await _ok(await p.client.post(f"{progress}/{tasks['two_tasks'][1]}/progress", headers=staff_a,
                                  json={"text": "已联系施工单位", "percent": 30}))
    await _ok(await p.client.post(f"{progress}/{tasks['two_tasks'][0]}/completion", headers=staff_a))
    reopened = topics["reopened"]
    await _ok(await p.client.post(f"/topics/{reopened}/tasks/{tasks['reopened'][0]}/completion", headers=staff_a))
    for code, rating in zip(CODES[:3], ["dissatisfied", "dissatisfied", "satisfied"]):
        await _ok(await p.client.post(f"/topics/{reopened}/ratings", json={"rating": rating, "receipt_code": code}))
    await _ok(await p.client.post(f"/topics/{reopened}/reopening", headers=token(a, "council_chair"), json={
        "reason": "群众反映仍不满意", "measures": [{"description": "重新铺设路面", "responsible_party": "街道城管科",
                                            "deadline": (d0 + timedelta(days=20)).isoformat()}]}))
    tasks["round_two"] = await _started(p, reopened, rounds=2)
    await _ok(await p.client.post(f"/topics/{reopened}/tasks/{tasks['round_two'][0]}/progress", headers=staff_a,
                                  json={"text": "已开工", "percent": 50}))
    p.clock.advance(timedelta(days=22))  # today is d0 + 30 in China time
    return {"prefix": prefix, "a": a, "b": b, "topics": topics, "tasks": tasks}


async def _folded(p: Publication, topic_ids: list[UUID]) -> list[tuple]:
    """The tasks as the list computed them before the view: each topic's stream folded."""
    now = p.clock.now()
    today = local_day(now)
    rows = []
    async with p.runtime.commands.units() as uow:
        for topic_id in topic_ids:
            impl = Implementation.fold((await uow.load(implementation_stream(topic_id))).events)
            grace = await graces(uow.views, impl)
            for t in impl.tasks:
                late = t.overdue(now, grace.get(t.round, 0))
                rows.append((str(t.spec.task_id), t.round, t.spec.deadline.isoformat(), t.percent,
                             t.completed_at is not None, late, (today - t.due(grace.get(t.round, 0))).days if late else 0))
    return sorted(rows, key=lambda r: (-r[6], r[2], r[0]))


def _listed(body: dict) -> list[tuple]:
    return sorted(((t["task_id"], t["round"], t["deadline"], t["percent"], t["completed_at"] is not None, t["overdue"],
                    t["days_overdue"]) for t in body["tasks"]), key=lambda r: (-r[6], r[2], r[0]))


async def test_the_view_lists_what_the_fold_of_each_stream_says(publication, district) -> None:
    p, a = publication, district["a"]
    listed = await _ok(await p.client.get(f"/communities/{a}/tasks", headers=token(a, "staff")))
    topics = district["topics"]
    assert listed["total"] == 4
    assert _listed(listed) == await _folded(p, [topics["two_tasks"], topics["reopened"]])
    rows = {t["task_id"]: t for t in listed["tasks"]}
    late = rows[str(district["tasks"]["reopened"][0])]
    assert (late["round"], late["percent"], late["overdue"]) == (1, 100, False)  # completed before its deadline
    assert rows[str(district["tasks"]["round_two"][0])]["percent"] == 50


async def test_a_district_lists_both_streets_the_most_overdue_first(publication, district) -> None:
    p, prefix = publication, district["prefix"]
    body = await _ok(await p.client.get(f"/divisions/{prefix}/tasks", headers=token(prefix, "district_office")))
    assert body["total"] == 5 and {t["community_id"] for t in body["tasks"]} == {district["a"], district["b"]}
    assert [t["days_overdue"] for t in body["tasks"]][:2] == [18, 10]  # d0+12 (other street), then d0+20 (round two)
    assert body["tasks"][0]["community_id"] == district["b"]
    overdue = await _ok(await p.client.get(f"/divisions/{prefix}/tasks", params={"overdue": "true", "limit": 1, "offset": 1},
                                           headers=token(prefix, "district_office")))
    assert overdue["total"] == 2 and overdue["next_offset"] is None and overdue["tasks"][0]["days_overdue"] == 10
    street_a = prefix + "001"
    assert (await _ok(await p.client.get(f"/divisions/{street_a}/tasks", headers=token(street_a, "street_office"))))["total"] == 4
    refused = await p.client.get(f"/divisions/{prefix}002/tasks", headers=token(street_a, "street_office"))
    assert refused.status_code == 403 and refused.json()["message_zh"]


async def test_a_topics_progress_entries_for_the_offices_over_it(publication, district) -> None:
    p, a, prefix = publication, district["a"], district["prefix"]
    topic_id = district["topics"]["two_tasks"]
    body = await _ok(await p.client.get(f"/topics/{topic_id}/tasks", headers=token(prefix + "001", "street_office")))
    done, going = body["tasks"]
    assert [(e["by"], e["roles"], e["percent"], e["note"], e["completed"]) for e in going["entries"]] == [
        ("worker-7", ["staff"], 30, "已联系施工单位", False)]
    assert [(e["percent"], e["note"], e["completed"]) for e in done["entries"]] == [(100, None, True)]
    assert done["completed_at"] is not None and going["percent"] == 30
    reopened = await _ok(await p.client.get(f"/topics/{district['topics']['reopened']}/tasks", headers=token(a, "staff")))
    assert [(t["round"], t["percent"]) for t in reopened["tasks"]] == [(1, 100), (2, 50)] and reopened["round"] == 2
    public = await _ok(await p.client.get(f"/topics/{topic_id}"))
    assert "已联系施工单位" not in str(public) and "worker-7" not in str(public)
    for headers, status in ((token(prefix + "002", "street_office"), 403), ({}, 401)):
        r = await p.client.get(f"/topics/{topic_id}/tasks", headers=headers)
        assert r.status_code == status and r.json()["message_en"], r.text


async def test_a_rebuild_from_offset_zero_recreates_the_view(publication, district) -> None:
    p = publication
    await eventually(lambda: p.db.fetchval("SELECT count(*) FROM outbox"), lambda n: n == 0,
                     what="every own event relayed to Kafka")
    sql = "SELECT * FROM tasks_view ORDER BY task_id"
    live = [dict(r) for r in await p.db.fetch(sql)]
    assert len([r for r in live if r["community_id"].startswith(district["prefix"])]) == 5
    await rebuild(service="publication", projection=p.runtime.projection, database_url=p.runtime.settings.database_url,
                  bootstrap_servers=p.bootstrap, topic_prefix=p.runtime.settings.kafka.topic_prefix)
    assert [dict(r) for r in await p.db.fetch(sql)] == live
