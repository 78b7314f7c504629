"""Idempotency keys on publication's staff commands, over HTTP with real Kafka and PostgreSQL:
a progress report sent twice with one key is recorded once (issue 9), twice at once too; the
key with another report is a 422, a malformed one a 400; a refusal is not kept; no key, as
before. And keys past their retention are pruned by the service's timer."""

import asyncio
from datetime import date, timedelta

from tests.support.eventually import eventually

from .conftest import Publication, token
from .test_publication import resolved, until_status

COMMUNITY = "330102001051"  # 清波门社区


async def _reports(p: Publication) -> int:
    return await p.db.fetchval("SELECT count(*) FROM event_store WHERE community_id = $1 "
                               "AND event_type LIKE '%ProgressReported%'", COMMUNITY)


def _keyed(key: str) -> dict[str, str]:
    return {**token(COMMUNITY, "staff", sub="grid-07"), "Idempotency-Key": key}


async def test_a_progress_report_sent_twice_with_one_key_is_recorded_once(publication) -> None:
    p = publication
    topic_id = await resolved(p, COMMUNITY, date(2027, 1, 31), date(2027, 2, 28))
    p.clock.advance(timedelta(days=8))
    started = await eventually(lambda: p.published("yishi.ImplementationStarted", topic_id), lambda e: len(e) == 1,
                               what="ImplementationStarted after the period")
    await until_status(p, COMMUNITY, topic_id, "implementing")
    first_task, second_task = (t.task_id for t in started[0].tasks)
    url = f"/topics/{topic_id}/tasks/{first_task}/progress"
    report = {"text": "已完成设计", "percent": 40}

    first = await p.client.post(url, json=report, headers=_keyed("progress-40"))
    assert first.status_code == 201, first.text
    again = await p.client.post(url, json=report, headers=_keyed("progress-40"))
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert await _reports(p) == 1, "the replay reported nothing"

    reused = await p.client.post(url, json={"text": "已完成设计", "percent": 50}, headers=_keyed("progress-40"))
    assert reused.status_code == 422 and reused.json()["error"] == "idempotency_key_reused"

    raced = await asyncio.gather(*(p.client.post(f"/topics/{topic_id}/tasks/{second_task}/progress",
                                                 json={"text": "材料已进场", "percent": 20}, headers=_keyed("progress-20"))
                                   for _ in range(2)))
    assert [r.status_code for r in raced] == [201, 201] and raced[0].json() == raced[1].json()
    assert sorted(r.headers.get("idempotent-replayed", "") for r in raced) == ["", "true"]
    assert await _reports(p) == 2, "two requests at once with one key: one report"

    lower = await p.client.post(url, json={"text": "返工", "percent": 10}, headers=_keyed("progress-next"))
    assert lower.status_code == 409 and lower.json()["error"] == "progress_decreased"
    higher = await p.client.post(url, json={"text": "主体完工", "percent": 80}, headers=_keyed("progress-next"))
    assert higher.status_code == 201 and "idempotent-replayed" not in higher.headers, "a refusal is not kept"

    for bad in ("", "x" * 101):
        refused = await p.client.post(url, json={"text": "验收中", "percent": 90}, headers=_keyed(bad))
        assert refused.status_code == 400 and refused.json()["error"] == "invalid_idempotency_key"
    plain = await p.client.post(url, json={"text": "验收中", "percent": 90}, headers=token(COMMUNITY, "staff"))
    assert plain.status_code == 201 and "idempotent-replayed" not in plain.headers
    assert await _reports(p) == 4

    kept = await p.db.fetchval("SELECT count(*) FROM idempotency_keys WHERE service = 'publication'")
    assert kept == 3, "the keys of the answered reports are kept (the refused ones are not)"
    p.clock.advance(timedelta(hours=25))
    await eventually(lambda: p.db.fetchval("SELECT count(*) FROM idempotency_keys"), lambda n: n == 0,
                     what="keys past their retention pruned by the service")
