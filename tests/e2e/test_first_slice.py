"""End to end: broker, PostgreSQL and the four services as separate OS processes.

Topics submitted over HTTP reach council's screening queue; a service SIGKILLed
mid-stream and restarted loses nothing and doubles nothing.
"""

import asyncio
import signal
import uuid

import httpx
import pytest

from tests.support.eventually import eventually
from tests.support.processes import ServiceProcess, token

pytestmark = pytest.mark.e2e


def _topic(community: str, n: int) -> dict:
    return {
        "community_id": community,
        "title": f"中山街无公厕问题 {n}",
        "description": "中山街沿线一公里内没有公共厕所，老人和孩子很不方便。",
        "location": "中山街",
        "contact": {"name": "王阿姨", "phone": "13800138000"},
    }


async def _queue(client: httpx.AsyncClient, council: ServiceProcess, community: str) -> dict:
    response = await client.get(
        f"{council.url}/communities/{community}/awaiting-screening",
        params={"limit": 500},
        headers=token("secretary", "staff", scope=community),
    )
    return response.json()


async def test_submitted_topics_reach_the_council_and_receipts_show_status(system) -> None:
    intake, council = system["intake"], system["council"]
    community = "330102002001"
    async with httpx.AsyncClient(timeout=10) as client:
        receipts = []
        for n in range(5):
            response = await client.post(f"{intake.url}/topics", json=_topic(community, n))
            assert response.status_code == 201, response.text
            receipts.append(response.json())
        staff_body = {**_topic(community, 99), "source": "party_government", "channel": "household_visit"}
        anonymous = await client.post(f"{intake.url}/staff/topics", json=staff_body)
        assert anonymous.status_code == 401 and anonymous.json()["message_zh"] == "此操作需要工作人员登录"
        elsewhere = await client.post(
            f"{intake.url}/staff/topics", json=staff_body, headers=token("grid-99", "staff", scope="330102002999")
        )
        assert elsewhere.status_code == 403 and elsewhere.json()["error"] == "outside_your_community"
        staff = await client.post(
            f"{intake.url}/staff/topics", json=staff_body, headers=token("grid-07", "staff", scope=community)
        )
        assert staff.status_code == 201, staff.text

        queue = await eventually(lambda: _queue(client, council, community), lambda q: q.get("total") == 6, what="6 queued")
        assert {t["topic_id"] for t in queue["topics"]} == {r["topic_id"] for r in receipts} | {staff.json()["topic_id"]}
        assert all("王阿姨" not in str(t) and "13800138000" not in str(t) for t in queue["topics"]), "contact stays in intake"

        code = receipts[0]["receipt_code"]
        status = await client.get(f"{intake.url}/receipts/{code.lower().replace('-', ' ')}")
        assert status.status_code == 200 and status.json()["status"] == "submitted"
        assert status.json()["history"][0]["label_zh"] == "已收集，待确定议题"

        board = await eventually(
            lambda: client.get(f"{system['publication'].url}/communities/{community}/board"),
            lambda r: len(r.json()) == 6,
            what="public board shows 6",
        )
        assert "13800138000" not in board.text


async def test_bad_input_gets_a_clear_bilingual_4xx(system) -> None:
    intake = system["intake"]
    async with httpx.AsyncClient(timeout=10) as client:
        bad = await client.post(f"{intake.url}/topics", json={**_topic("123", 1), "title": "短"})
        assert bad.status_code == 422
        body = bad.json()
        assert body["error"] == "invalid_input" and "community_id" in body["message_en"] and "标题" in body["message_zh"]
        assert "至少需要 4 个字" in body["message_zh"]

        phone = await client.post(f"{intake.url}/topics", json={**_topic("330102002001", 1), "contact": {"phone": "12345"}})
        assert phone.status_code == 422 and "contact.phone" in phone.json()["message_en"]

        rule = await client.post(
            f"{intake.url}/staff/topics",
            json={**_topic("330102002001", 1), "source": "party_government", "channel": "online"},
            headers=token("s-1", "staff", scope="330102002001"),
        )
        assert rule.status_code == 422 and rule.json()["error"] == "channel_not_allowed"

        not_json = await client.post(f"{intake.url}/topics", content=b"{oops", headers={"content-type": "application/json"})
        assert not_json.status_code == 422 and not_json.json()["message_zh"]

        huge = await client.post(f"{intake.url}/topics", json={**_topic("330102002001", 1), "description": "长" * 70_000})
        assert huge.status_code == 413

        assert (await client.get(f"{intake.url}/receipts/not-a-code")).status_code == 400
        missing = await client.get(f"{intake.url}/receipts/22222-22222")
        assert missing.status_code == 404 and missing.json()["message_zh"]


async def test_a_resubmitted_request_with_the_same_idempotency_key_is_one_topic(system) -> None:
    intake = system["intake"]
    async with httpx.AsyncClient(timeout=10) as client:
        key = {"Idempotency-Key": str(uuid.uuid4())}
        first = await client.post(f"{intake.url}/topics", json=_topic("330102002009", 1), headers=key)
        again = await client.post(f"{intake.url}/topics", json=_topic("330102002009", 1), headers=key)
        assert first.status_code == again.status_code == 201
        assert first.json()["receipt_code"] == again.json()["receipt_code"]


async def test_services_sigkilled_mid_stream_lose_nothing_and_double_nothing(system) -> None:
    intake, council = system["intake"], system["council"]
    community = "330102002002"
    total = 60
    submitted: dict[str, str] = {}

    async def submit_all(client: httpx.AsyncClient) -> None:
        for n in range(total):
            key = f"kill-test-{community}-{n}"
            while True:  # a client retries with its idempotency key while intake is down
                try:
                    response = await client.post(f"{intake.url}/topics", json=_topic(community, n), headers={"Idempotency-Key": key})
                    if response.status_code == 201:
                        submitted[key] = response.json()["topic_id"]
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.02)

    async with httpx.AsyncClient(timeout=5) as client:
        stream = asyncio.create_task(submit_all(client))
        await eventually(lambda: asyncio.sleep(0, len(submitted)), lambda n: n >= 15, what="stream under way")
        council.kill()
        await eventually(lambda: asyncio.sleep(0, len(submitted)), lambda n: n >= 30, what="more while council is down")
        intake.kill()
        await asyncio.to_thread(intake.start)
        await asyncio.to_thread(council.start)
        await asyncio.wait_for(stream, 120)

        queue = await eventually(
            lambda: _queue(client, council, community), lambda q: q.get("total", 0) >= total, what="all queued"
        )
        await asyncio.sleep(2)  # anything doubled would show up now
        queue = await _queue(client, council, community)
        ids = [t["topic_id"] for t in queue["topics"]]
        assert queue["total"] == total and len(ids) == len(set(ids)) == total
        assert set(ids) == set(submitted.values())


async def test_sigterm_drains_and_exits_cleanly(system) -> None:
    meeting = system["meeting"]
    # uvicorn re-raises SIGTERM once its shutdown is complete, so the status is -SIGTERM (or 0).
    assert meeting.terminate(timeout=30) in (0, -signal.SIGTERM)
    log = meeting.log_tail(20)
    assert "LeaveGroup request succeeded" in log, "the consumer left its group after committing"
    assert "meeting stopped" in log and "Application shutdown complete" in log
    meeting.start()
