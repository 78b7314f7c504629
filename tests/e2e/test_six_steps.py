"""End to end through the six steps (六步议事程序), the four services as OS processes.

The source report's four example topics go from a resident's submission to a closed,
rated implementation; one is reopened after a "不满意". Every exclusion reason reaches
the submitter; the procedure's refusals hold; an objection sends a topic back; a matter
beyond the community's authority is escalated.
"""

import httpx
import pytest
from yishi_contracts import ExclusionReason, MatterEscalated

from services.kit.binding import from_kafka
from tests.support.eventually import eventually
from tests.support.kafka_reading import read_all

from .walkthrough import Community

pytestmark = pytest.mark.e2e

EXAMPLES = [
    ("环卫工人无处歇脚吃饭", "中山街一带的环卫工人没有地方休息、喝水和吃饭，冬天尤其辛苦。", "vulnerable_groups"),
    ("中山街学生上下学道路拥堵", "每天早晚中山街小学门口接送车辆拥堵，孩子过马路很危险。", "road_traffic"),
    ("泾崇路无停车位", "泾崇路沿线没有任何停车位，车辆乱停乱放影响通行。", "public_facilities"),
    ("中山街无公厕", "中山街沿线一公里内没有公共厕所，老人和孩子很不方便。", "public_facilities"),
]
FULL_LIFE = ["submitted", "accepted", "researched", "scheduled", "resolved", "in_disclosure", "implementing",
             "implemented", "closed"]


async def _through_the_meeting(c: Community, titles: list[tuple[str, str, str]]) -> list[dict]:
    receipts = []
    for title, description, category in titles:
        receipt = await c.submit(title, description)
        await c.awaiting(receipt["topic_id"])
        screened = await c.screen(receipt["topic_id"], {"outcome": "accepted", "category": category})
        assert screened.status_code == 201, screened.text
        await c.research(receipt["topic_id"])
        receipts.append(receipt)
    ids = [r["topic_id"] for r in receipts]
    await c.ready_for_agenda(ids)
    scheduled = await c.schedule(ids)
    assert scheduled.status_code == 201, scheduled.text
    meeting_id = scheduled.json()["meeting_id"]
    await c.attend(meeting_id, 7)
    await c.call("POST", "meeting", f"/meetings/{meeting_id}/opening", as_=c.chair, ok=True)
    for topic_id in ids:
        result = await c.vote(meeting_id, topic_id, "同意按议事方案实施，由社区居委会牵头落实。", ["in_favour"] * 6 + ["against"])
        assert result.status_code == 200 and result.json().get("adopted") is True, result.text
    await c.call("POST", "meeting", f"/meetings/{meeting_id}/closing", as_=c.chair, ok=True)
    for topic_id in ids:
        await c.until_status(topic_id, "in_disclosure")
    return receipts


async def test_the_four_example_topics_go_through_all_six_steps(system) -> None:
    async with httpx.AsyncClient(timeout=20) as client:
        c = Community(system, client, "330102005001")
        await c.form_council()
        receipts = await _through_the_meeting(c, EXAMPLES)
        ids = [r["topic_id"] for r in receipts]
        residents = {r["topic_id"]: await c.duplicates(r, 2) for r in receipts}  # three residents per topic

        system.move_clock(days=8)  # the 7-day disclosure period passes without objections
        for topic_id in ids:
            await c.until_status(topic_id, "implementing")
            await c.complete_tasks(topic_id)
            await c.until_status(topic_id, "implemented")

        first = ids[0]
        wrong = await c.call("POST", "publication", f"/topics/{first}/ratings",
                             json={"rating": "satisfied", "receipt_code": residents[ids[1]][0]})
        assert (wrong.status_code, wrong.json()["error"]) == (422, "wrong_receipt_code"), wrong.text
        assert "受理编号" in wrong.json()["message_zh"]
        for topic_id in ids[:3]:
            await c.rate(topic_id, residents[topic_id], ["satisfied", "basically_satisfied", "satisfied"])
        again = await c.call("POST", "publication", f"/topics/{first}/ratings",
                             json={"rating": "dissatisfied", "receipt_code": residents[first][0].lower()})
        assert (again.status_code, again.json()["error"]) == (409, "already_rated"), again.text
        for topic_id in ids[:3]:
            await c.call("POST", "publication", f"/topics/{topic_id}/closing", as_=c.staff, ok=True)
            await c.until_status(topic_id, "closed")

        unhappy = ids[3]  # 中山街无公厕: residents are not satisfied, it is done again
        await c.rate(unhappy, residents[unhappy], ["dissatisfied", "dissatisfied", "basically_satisfied"])
        refused = await c.call("POST", "publication", f"/topics/{unhappy}/closing", as_=c.staff)
        assert refused.status_code == 409 and refused.json()["message_zh"]
        await c.call("POST", "publication", f"/topics/{unhappy}/reopening", as_=c.staff, ok=True, json={
            "reason": "居民反映公厕位置太远，需另选址。",
            "measures": [{"description": "在中山街中段另建一座公厕", "responsible_party": "街道城管科",
                          "deadline": (await c.public_topic(unhappy))["implementation"]["tasks"][0]["deadline"]}]})
        await c.until_status(unhappy, "reopened")  # 重新办理中, until the new round is done
        await c.complete_tasks(unhappy)
        await c.until_status(unhappy, "implemented")
        await c.rate(unhappy, residents[unhappy], ["satisfied", "satisfied", "basically_satisfied"])
        await c.call("POST", "publication", f"/topics/{unhappy}/closing", as_=c.staff, ok=True)
        await c.until_status(unhappy, "closed")

        for receipt in receipts:
            status = await eventually(lambda: c.receipt(receipt["receipt_code"]), lambda s: s["status"] == "closed",
                                      what="the receipt shows the topic closed")
            steps = [h["step"] for h in status["history"]]
            assert [s for s in FULL_LIFE if s in steps] == FULL_LIFE, steps
        unhappy_steps = [h["step"] for h in (await c.receipt(receipts[3]["receipt_code"]))["history"]]
        assert "reopened" in unhappy_steps and unhappy_steps.count("implementing") == 2

        page = await c.call("GET", "publication", f"/communities/{c.code}/board.html", ok=True)
        assert "中山街无公厕" in page.text and "已办结" in page.text and "13900139000" not in page.text


async def test_every_exclusion_reason_reaches_the_submitter(system) -> None:
    async with httpx.AsyncClient(timeout=20) as client:
        c = Community(system, client, "330102005002")
        await c.form_council()
        for reason in ExclusionReason:
            receipt = await c.submit(f"不予协商的议题 {reason.value}", "一件经审查不属于协商范围的事情的详细描述。")
            await c.awaiting(receipt["topic_id"])
            decision = {"outcome": "rejected", "reason": reason.value, "explanation": f"经审查属于{reason.value}情形。"}
            if reason is ExclusionReason.individual_dispute:
                decision["referral"] = "mediation"
            response = await c.screen(receipt["topic_id"], decision)
            assert response.status_code == 201, response.text

            async def seen() -> dict:
                return await c.receipt(receipt["receipt_code"])

            status = await eventually(seen, lambda s: s["status"] == "rejected", what=f"rejected {reason.value}")
            last = status["history"][-1]
            assert last["reason"] == reason.value and last["label_zh"].startswith("不予协商：")
            assert last["explanation"] == f"经审查属于{reason.value}情形。"


async def test_the_procedures_refusals(system) -> None:
    async with httpx.AsyncClient(timeout=20) as client:
        incomplete = Community(system, client, "330102005003")
        await incomplete.form_council(members=6)
        receipt = await incomplete.submit("小区路灯不亮", "小区东门到南门的路灯已经坏了一个多月。")
        await incomplete.awaiting(receipt["topic_id"])
        refused = await incomplete.screen(receipt["topic_id"], {"outcome": "accepted", "category": "public_facilities"})
        assert refused.status_code == 409 and "固定成员" in refused.json()["message_zh"], refused.text

        c = Community(system, client, "330102005004")
        await c.form_council()
        unresearched = await c.submit("菜市场门口占道经营", "菜市场门口摊贩占道经营，影响行人通行。")
        await c.awaiting(unresearched["topic_id"])
        await c.screen(unresearched["topic_id"], {"outcome": "accepted", "category": "environment"})
        researched = await c.submit("小区垃圾分类点太少", "整个小区只有一个垃圾分类投放点，居民很不方便。")
        await c.awaiting(researched["topic_id"])
        await c.screen(researched["topic_id"], {"outcome": "accepted", "category": "environment"})
        await c.research(researched["topic_id"])
        await c.ready_for_agenda([researched["topic_id"]])

        not_yet = await c.schedule([unresearched["topic_id"]])
        assert not_yet.status_code == 409 and "不调研不协商" in not_yet.json()["message_zh"], not_yet.text

        meeting_id = (await c.schedule([researched["topic_id"]])).json()["meeting_id"]
        await c.attend(meeting_id, 7)
        await c.call("POST", "meeting", f"/meetings/{meeting_id}/opening", as_=c.chair, ok=True)
        for member_id in c.members[:3]:
            await c.call("POST", "meeting", f"/meetings/{meeting_id}/attendance", as_=c.staff, ok=True,
                         json={"person_id": member_id, "movement": "left"})
        base = f"/meetings/{meeting_id}/topics/{researched['topic_id']}"
        no_quorum = await c.call("POST", "meeting", f"{base}/vote", as_=c.chair, json={
            "text": "同意增设垃圾分类点。", "measures": [{"description": "增设两处投放点", "responsible_party": "物业",
                                                        "deadline": "2027-06-30"}]})
        assert no_quorum.status_code == 409 and no_quorum.json()["error"] == "no_quorum", no_quorum.text

        stranger = Community(system, client, "330102005099")
        other = await c.screen(unresearched["topic_id"], {"outcome": "accepted", "category": "environment"},
                               as_=stranger.chair)
        assert other.status_code == 403, other.text
        resident = await client.post(c.url("council", f"/topics/{unresearched['topic_id']}/screening"),
                                     json={"outcome": "accepted", "category": "environment"})
        assert resident.status_code == 401 and resident.json()["message_zh"]


async def test_an_objection_sends_a_topic_back_and_a_matter_is_escalated(system, infra) -> None:
    async with httpx.AsyncClient(timeout=20) as client:
        c = Community(system, client, "330102005005")
        await c.form_council()
        (receipt,) = await _through_the_meeting(
            c, [("健身器材损坏", "小区广场的健身器材损坏多处，存在安全隐患。", "public_facilities")]
        )
        topic_id = receipt["topic_id"]
        objection = await c.call("POST", "publication", f"/topics/{topic_id}/objections",
                                 json={"text": "维修方案没有考虑老年人使用需求，应先征求意见。"})
        assert objection.status_code == 201, objection.text
        objection_id = objection.json()["objection_id"]
        await c.call("POST", "publication", f"/topics/{topic_id}/objections/{objection_id}/assessment", as_=c.staff,
                     ok=True, json={"substantive": True, "reason": "异议合理，需补充调研老年人需求。"})
        await c.until_status(topic_id, "researching")  # returned to the council, whose research reopens

        async def steps() -> list[str]:
            return [h["step"] for h in (await c.receipt(receipt["receipt_code"]))["history"]]

        await eventually(steps, lambda s: "returned_to_council" in s and s[-1] == "researching",
                         what="back to the council's research")

        beyond = await c.submit("修建跨区快速路", "希望在本社区与邻区之间修建一条快速路。")
        await c.awaiting(beyond["topic_id"])
        await c.screen(beyond["topic_id"], {"outcome": "rejected", "reason": "beyond_authority",
                                            "explanation": "道路规划属于市级职能，超出社区权限。",
                                            "referral": "cppcc_proposal"})
        await c.until_status(beyond["topic_id"], "rejected")
        escalated = await c.call("POST", "publication", f"/topics/{beyond['topic_id']}/escalation", as_=c.chair,
                                 json={"kind": "cppcc_proposal", "summary": "居民希望修建跨区快速路，建议作为政协提案报送。"})
        assert escalated.status_code in (200, 201), escalated.text
        topic = system["publication"].env["YISHI_KAFKA_TOPIC_PREFIX"] + "yishi.publication.v1"

        async def escalations() -> list[MatterEscalated]:
            records = await read_all(infra.bootstrap_servers, topic)
            return [e for e in (from_kafka(r.headers, r.key, r.value).data for r in records) if isinstance(e, MatterEscalated)]

        matter = await eventually(escalations, lambda found: len(found) >= 1, what="MatterEscalated on Kafka")
        assert len(matter) == 1 and matter[0].kind == "cppcc_proposal" and str(matter[0].topic_id) == beyond["topic_id"]
