"""Pre-meeting research over HTTP: completed onto Kafka, reopened by a deferral or an upheld objection."""

from datetime import UTC, date, datetime
from uuid import uuid4

from yishi_contracts import MEETING, PUBLICATION, TopicDeferred, TopicReturnedToCouncil

from tests.support.eventually import eventually

from .conftest import token

PLAN = {"plan": "利用社区闲置用房改建爱心驿站，供环卫工人休息用餐",
        "invitees": [{"kind": "stakeholder", "description": "环卫所工人代表"},
                     {"kind": "community_station", "description": "365爱心服务站"}]}


async def _accepted_topic(council, community: str) -> tuple:
    await council.form(community)
    topic = await council.submit(community, "环卫工人无处歇脚")
    chair = token(community, "council_chair", sub="chair")
    r = await council.client.post(f"/topics/{topic}/screening", json={"outcome": "accepted", "category": "public_welfare"},
                                  headers=chair)
    assert r.status_code == 201, r.text
    return topic, chair


async def _research(council, topic, headers) -> None:
    steps = [
        ("researchers", {"member_ids": ["m0", "m4"]}),
        ("visits", {"visited_on": date.today().isoformat(), "place": "中山街环卫站", "notes": "工人在路边吃午饭，无处饮水"}),
        ("findings", {"findings": "社区有一间闲置用房可以改造", "feasibility": "feasible"}),
        ("plan", PLAN),
    ]
    for path, body in steps:
        r = await council.client.post(f"/topics/{topic}/research/{path}", json=body, headers=headers)
        assert r.status_code == 200, (path, r.text)


async def test_research_completed_is_published_and_a_deferral_reopens_it(council, community) -> None:
    topic, chair = await _accepted_topic(council, community)
    member = token(community, "council_member", sub="m1")
    early = await council.client.post(f"/topics/{topic}/research/completion", headers=member)
    assert early.status_code == 409 and early.json()["error"] == "research_incomplete"
    assert "调研成员" in early.json()["message_zh"] and "a site visit" in early.json()["message_en"]
    stranger = await council.client.post(f"/topics/{topic}/research/researchers", json={"member_ids": ["m0", "nobody"]},
                                         headers=member)
    assert stranger.status_code == 409 and stranger.json()["error"] == "not_a_fixed_member"

    await _research(council, topic, member)
    r = await council.client.post(f"/topics/{topic}/research/completion", headers=member)
    assert r.status_code == 201, r.text
    assert r.json()["researchers"] == ["m0", "m4"] and len(r.json()["invitees"]) == 2
    assert await council.status(topic) == "researched"
    done = await eventually(lambda: council.published("yishi.ResearchCompleted", str(topic)), lambda s: len(s) == 1,
                            what="ResearchCompleted on Kafka")
    assert done[0].feasibility == "feasible" and done[0].consultation_plan == PLAN["plan"]

    await council.feed(MEETING.topic, TopicDeferred(topic_id=topic, community_id=community, meeting_id=uuid4(),
                                                    reason="需补充环卫所的意见", deferred_at=datetime.now(UTC)))
    await eventually(lambda: council.status(topic), lambda s: s == "researching", what="research reopened")
    reopened = await eventually(lambda: council.published("yishi.ResearchReopened", str(topic)), lambda s: len(s) == 1,
                                what="ResearchReopened on Kafka")
    assert reopened[0].cause == "deferred_by_meeting" and "需补充环卫所的意见" in reopened[0].reason

    shown = (await council.client.get(f"/topics/{topic}", headers=chair)).json()
    assert shown["status"] == "researching" and shown["research"]["completed"] is False
    assert shown["research"]["researchers"] == ["m0", "m4"]
    r = await council.client.post(f"/topics/{topic}/research/visits", headers=member,
                                  json={"visited_on": date.today().isoformat(), "place": "环卫所", "notes": "环卫所同意派代表参加"})
    assert r.status_code == 200, r.text
    r = await council.client.post(f"/topics/{topic}/research/completion", headers=chair)
    assert r.status_code == 201 and len(r.json()["site_visits"]) == 2
    assert await council.status(topic) == "researched"

    # An objection upheld during disclosure sends it back to research too.
    await council.feed(PUBLICATION.topic, TopicReturnedToCouncil(
        topic_id=topic, community_id=community, resolution_id=uuid4(), objection="驿站选址离住户太近",
        assessment="异议成立，需重新选址", returned_at=datetime.now(UTC)))
    again = await eventually(lambda: council.published("yishi.ResearchReopened", str(topic)), lambda s: len(s) == 2,
                             what="second ResearchReopened")
    assert again[-1].cause == "objection_upheld"
    await eventually(lambda: council.status(topic), lambda s: s == "researching", what="reopened again")


async def test_only_accepted_topics_of_ones_own_community_are_researched(council, community) -> None:
    await council.form(community)
    topic = await council.submit(community, "中山街上学接送拥堵")
    member = token(community, "council_member", sub="m1")
    r = await council.client.post(f"/topics/{topic}/research/researchers", json={"member_ids": ["m0"]}, headers=member)
    assert r.status_code == 409 and r.json()["error"] == "topic_not_accepted"
    r = await council.client.post(f"/topics/{topic}/research/researchers", json={"member_ids": ["m0"]},
                                  headers=token("330102999999", "council_member", sub="m1"))
    assert r.status_code == 403
    r = await council.client.post(f"/topics/{uuid4()}/research/researchers", json={"member_ids": ["m0"]}, headers=member)
    assert r.status_code == 404
    # A deferral for a topic with no completed research reopens nothing: the view shows the
    # deferral (the lifecycle's status), and no research stream is started.
    reacted = await council.db.fetchval("SELECT count(*) FROM processed_reactions")
    await council.feed(MEETING.topic, TopicDeferred(topic_id=topic, community_id=community, meeting_id=uuid4(),
                                                    reason="尚未调研，暂缓讨论", deferred_at=datetime.now(UTC)))
    await eventually(lambda: council.db.fetchval("SELECT count(*) FROM processed_reactions"), lambda n: n > reacted,
                     what="the deferral handled")
    assert await council.status(topic) == "deferred"
    assert await council.db.fetchval("SELECT count(*) FROM event_store WHERE stream_id = $1", f"research:{topic}") == 0
