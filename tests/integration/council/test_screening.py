"""Council over HTTP on real Kafka and PostgreSQL: the 1+7+X council, screening, refusals, auth."""

import asyncio
from datetime import UTC, datetime
from uuid import uuid4

from yishi_contracts import COUNCIL, INTAKE, ExclusionReason, TopicResubmitted

from tests.support.eventually import eventually
from tests.unit.factories import screened, submitted

from .conftest import token

REASONS = [r.value for r in ExclusionReason]


async def test_a_ready_council_screens_topics_every_way_and_publishes_its_roster(council, community) -> None:
    council_id = await council.form(community)
    chair = token(community, "council_chair", sub="chair")
    shown = (await council.client.get(f"/communities/{community}/council", headers=token(community, "staff"))).json()
    assert shown["council_id"] == council_id and shown["readiness"]["can_act"] is True
    assert shown["readiness"]["confirmed_members"] == 7 and shown["readiness"]["cppcc_members"] == 1

    roster = await eventually(lambda: council.published("yishi.CouncilCompositionChanged", council_id),
                              lambda s: any(len(e.fixed_members) == 7 for e in s), what="roster snapshot")
    assert roster[-1].chair_id == "chair" and {m.member_id for m in roster[-1].fixed_members} == {f"m{i}" for i in range(7)}

    private = await council.client.get(f"/communities/{community}/awaiting-screening")
    assert private.status_code == 401, "residents' own words are for the council and staff"

    toilet = await council.submit(community, "中山街无公共厕所")
    again = await council.submit(community, "中山街 无公共厕所！")
    parking = await council.submit(community, "泾崇路没有停车位")
    rejected = [await council.submit(community, f"第{i}号不予协商的议题") for i in range(7)]

    queue = (await council.client.get(f"/communities/{community}/awaiting-screening", headers=token(community, "staff"))).json()
    assert queue["total"] == 10
    flagged = {t["topic_id"]: t["possible_duplicates"] for t in queue["topics"]}
    assert [d["topic_id"] for d in flagged[str(again)]] == [str(toilet)]

    r = await council.client.post(f"/topics/{toilet}/screening", json={"outcome": "accepted", "category": "public_facilities"},
                                  headers=chair)
    assert r.status_code == 201, r.text
    assert r.json()["decision"] == {"outcome": "accepted", "category": "public_facilities"}
    r = await council.client.post(f"/topics/{again}/screening", json={"outcome": "merged", "merged_into": str(toilet)},
                                  headers=token(community, "council_member", sub="m3"))
    assert r.status_code == 201, r.text
    r = await council.client.post(f"/topics/{parking}/screening",
                                  json={"outcome": "returned", "details_requested": "请说明具体路段和时段"}, headers=chair)
    assert r.status_code == 201, r.text

    batch = [{"topic_id": str(t), "outcome": "rejected", "reason": reason, "explanation": f"按规定不予协商：{reason}",
              "referral": "mediation" if reason == "individual_dispute" else None}
             for t, reason in zip(rejected, REASONS, strict=True)]
    batch.insert(3, {"topic_id": str(uuid4()), "outcome": "accepted", "category": "environment"})
    r = await council.client.post(f"/communities/{community}/screenings", json={"screenings": batch}, headers=chair)
    assert r.status_code == 200, r.text
    assert r.json()["screened"] == 7 and r.json()["refused"] == 1
    assert r.json()["results"][3]["error"] == "topic_unknown"

    assert [await council.status(t) for t in (toilet, again, parking)] == ["accepted", "merged", "returned"]
    assert {await council.status(t) for t in rejected} == {"rejected"}
    assert (await council.client.get(f"/communities/{community}/awaiting-screening", headers=token(community, "staff"))).json()["total"] == 0
    events = await eventually(lambda: council.published("yishi.TopicScreened"),
                              lambda s: sum(e.community_id == community for e in s) == 10, what="10 screenings published")
    reasons = sorted(e.decision.reason for e in events if e.community_id == community and e.decision.outcome == "rejected")
    assert reasons == sorted(REASONS)

    # Resubmitted with the details asked for: back in the queue, screened again.
    await council.feed(INTAKE.topic, TopicResubmitted(topic_id=parking, community_id=community,
                                                     details="泾崇路东段，晚上七点以后无处停车", resubmitted_at=datetime.now(UTC)))
    await eventually(lambda: council.status(parking), lambda s: s == "resubmitted", what="back in the queue")
    queue = (await council.client.get(f"/communities/{community}/awaiting-screening", headers=token(community, "staff"))).json()
    assert [t["topic_id"] for t in queue["topics"]] == [str(parking)]
    r = await council.client.post(f"/topics/{parking}/screening", json={"outcome": "accepted", "category": "road_traffic"},
                                  headers=chair)
    assert r.status_code == 201, r.text
    r = await council.client.post(f"/topics/{parking}/screening", json={"outcome": "accepted", "category": "road_traffic"},
                                  headers=chair)
    assert r.status_code == 409 and r.json()["error"] == "not_awaiting_screening"


async def test_templates_answer_topics(council, community) -> None:
    await council.form(community)
    staff = token(community, "staff")
    body = {"name": "个体矛盾", "kind": "rejection", "reason": "individual_dispute", "referral": "mediation",
            "text": "“{title}”属于个体矛盾，建议通过人民调解解决。"}
    assert (await council.client.post(f"/communities/{community}/screening-templates", json=body, headers=staff)).status_code == 201
    listed = (await council.client.get(f"/communities/{community}/screening-templates", headers=staff)).json()
    assert [t["name"] for t in listed["templates"]] == ["个体矛盾"]
    bad = await council.client.post(f"/communities/{community}/screening-templates",
                                    json={**body, "name": "无理由", "reason": None}, headers=staff)
    assert bad.status_code == 422 and bad.json()["error"] == "template_reason_required"

    topic = await council.submit(community, "邻居装修噪音纠纷")
    r = await council.client.post(f"/topics/{topic}/screening", json={"template": "个体矛盾"},
                                  headers=token(community, "council_chair", sub="chair"))
    assert r.status_code == 201, r.text
    assert r.json()["decision"]["explanation"] == "“邻居装修噪音纠纷”属于个体矛盾，建议通过人民调解解决。"
    assert r.json()["decision"]["referral"] == "mediation"


async def test_an_incomplete_council_is_refused_saying_what_is_missing(council, community) -> None:
    topic = await council.submit(community, "环卫工人无处歇脚")
    chair = token(community, "council_chair", sub="chair")
    r = await council.client.post(f"/topics/{topic}/screening", json={"outcome": "accepted", "category": "public_welfare"},
                                  headers=chair)
    assert r.status_code == 409 and r.json()["error"] == "council_not_ready"

    council_id = await council.form(community, members=["two_committees"] * 6)
    shown = (await council.client.get(f"/councils/{council_id}", headers=chair)).json()
    assert shown["readiness"]["can_act"] is False and len(shown["readiness"]["missing_en"]) == 2
    r = await council.client.post(f"/topics/{topic}/screening", json={"outcome": "accepted", "category": "public_welfare"},
                                  headers=chair)
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["error"] == "council_not_ready"
    assert "尚缺1名经党委确认的固定成员" in body["message_zh"] and "至少需要1名政协委员" in body["message_zh"]
    assert "1 more fixed member" in body["message_en"] and "CPPCC" in body["message_en"]
    assert await council.status(topic) == "submitted"

    again = await council.client.post("/councils", json={"community_id": community},
                                      headers=token(community, "party_committee"))
    assert again.status_code == 409 and again.json()["council_id"] == council_id


async def test_residents_other_roles_and_other_communities_are_refused(council, community) -> None:
    council_id = await council.form(community)
    topic = await council.submit(community, "中山街上学接送拥堵")
    decision = {"outcome": "accepted", "category": "road_traffic"}
    other = "330102999999"

    assert (await council.client.post(f"/topics/{topic}/screening", json=decision)).status_code == 401
    assert (await council.client.post("/councils", json={"community_id": community})).status_code == 401
    staff = await council.client.post(f"/topics/{topic}/screening", json=decision, headers=token(community, "staff"))
    assert staff.status_code == 403 and staff.json()["error"] == "role_not_allowed"
    outside = await council.client.post(f"/topics/{topic}/screening", json=decision,
                                        headers=token(other, "council_chair", sub="chair"))
    assert outside.status_code == 403 and outside.json()["error"] == "outside_your_community"
    r = await council.client.put(f"/councils/{council_id}/chair", json={"member_id": "x", "name": "外人"},
                                 headers=token(other, "party_committee"))
    assert r.status_code == 403
    r = await council.client.put(f"/councils/{council_id}/chair", json={"member_id": "x", "name": "外人"},
                                 headers=token(community, "staff"))
    assert r.status_code == 403
    # A token of the community whose holder is no member of the council cannot screen.
    stranger = await council.client.post(f"/topics/{topic}/screening", json=decision,
                                         headers=token(community, "council_member", sub="not-a-member"))
    assert stranger.status_code == 409 and stranger.json()["error"] == "not_a_screener"
    invalid = await council.client.post(f"/topics/{topic}/screening", json={"outcome": "accepted", "category": "weather"},
                                        headers=token(community, "council_chair", sub="chair"))
    assert invalid.status_code == 422 and invalid.json()["fields"][0]["field"] == "accepted.category"
    assert await council.status(topic) == "submitted"


async def test_a_screening_that_arrives_before_its_submission_is_kept(council, community) -> None:
    topic_id = uuid4()
    await council.feed(COUNCIL.topic, screened(topic_id, community))
    await eventually(lambda: council.db.fetchval("SELECT status FROM council_topics WHERE topic_id = $1", topic_id),
                     lambda s: s == "accepted", what="early screening kept")
    assert (await council.client.get(f"/communities/{community}/awaiting-screening", headers=token(community, "staff"))).json()["total"] == 0
    await council.feed(INTAKE.topic, submitted(topic_id, community, title="泾崇路没有停车位"))
    await eventually(lambda: council.status(topic_id), lambda s: s == "accepted", what="submission joined")
    shown = (await council.client.get(f"/topics/{topic_id}", headers=token(community, "staff"))).json()
    assert shown["title"] == "泾崇路没有停车位" and shown["status"] == "accepted"
    assert shown["decision"]["category"] == "public_welfare"
    assert (await council.client.get(f"/communities/{community}/awaiting-screening", headers=token(community, "staff"))).json()["total"] == 0


async def test_two_screenings_of_one_topic_at_once_one_is_recorded_the_other_refused(council, community) -> None:
    await council.form(community)
    topic = await council.submit(community, "中山街夜间路灯不亮")
    decision = {"outcome": "accepted", "category": "public_facilities"}
    answers = await asyncio.gather(*(
        council.client.post(f"/topics/{topic}/screening", json=decision,
                            headers=token(community, "council_member", sub=member))
        for member in ("m1", "m2")))
    assert sorted(r.status_code for r in answers) == [201, 409], [r.text for r in answers]
    assert [r.json()["error"] for r in answers if r.status_code == 409] == ["not_awaiting_screening"]
    count = "SELECT count(*) FROM event_store WHERE stream_id = $1"
    assert await council.db.fetchval(count, f"screening:{topic}") == 1


async def test_a_streets_templates_are_inherited_by_its_communities_unless_one_has_its_own(council, community) -> None:
    await council.form(community)
    street = community[:9] + "000"
    body = {"name": "转12345", "kind": "rejection", "reason": "beyond_authority", "referral": "hotline_12345",
            "text": "“{title}”超出社区职责，已转12345热线。"}
    saved = await council.client.post(f"/communities/{street}/screening-templates", json=body,
                                      headers=token(community[:9], "staff", sub="street-staff"))
    assert saved.status_code == 201, saved.text
    staff = token(community, "staff")
    listed = (await council.client.get(f"/communities/{community}/screening-templates", headers=staff)).json()
    assert "转12345" in [t["name"] for t in listed["templates"]]
    topic = await council.submit(community, "地铁站出口加装电梯")
    chair = token(community, "council_chair", sub="chair")
    r = await council.client.post(f"/topics/{topic}/screening", json={"template": "转12345"}, headers=chair)
    assert r.status_code == 201 and r.json()["decision"]["explanation"] == "“地铁站出口加装电梯”超出社区职责，已转12345热线。"

    own = {**body, "text": "“{title}”请向区里反映。", "referral": None}
    assert (await council.client.post(f"/communities/{community}/screening-templates", json=own,
                                      headers=staff)).status_code == 201
    [mine] = [t for t in (await council.client.get(f"/communities/{community}/screening-templates",
                                                   headers=staff)).json()["templates"] if t["name"] == "转12345"]
    assert mine["text"] == "“{title}”请向区里反映。"
