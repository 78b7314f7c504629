"""What the meeting refuses, over HTTP with real Kafka and PostgreSQL: an unresearched or
reopened topic on an agenda (不调研不协商), opening or voting without quorum, a deferral
(TopicDeferred, then the topic needs new research), wrong roles and other communities."""

from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
from yishi_contracts import CommunitySettingsChanged

from tests.support.eventually import eventually

from .harness import (
    CHAIR, MEASURES, MEMBERS, RESOLUTION, Harness, now, reopened, researched, roster, screened, submitted,
)


def _when() -> str:
    return (now() + timedelta(hours=2)).isoformat()


async def _setup(meeting: Harness, community: str, *, research: bool = True) -> UUID:
    topic = uuid4()
    await meeting.send(roster(community))
    await meeting.send(submitted(topic, community))
    await meeting.send(screened(topic, community))
    if research:
        await meeting.send(researched(topic, community))
        await meeting.wait_ready(community, topic, filled=("title", "category"))
    await meeting.wait_roster(community)
    return topic


async def _schedule(meeting: Harness, http: httpx.AsyncClient, community: str, topic: UUID) -> httpx.Response:
    return await http.post("/meetings", headers=meeting.token(CHAIR, "council_chair", scope=community),
                           json={"community_id": community, "scheduled_for": _when(), "agenda": [str(topic)]})


async def _arrive(meeting: Harness, http: httpx.AsyncClient, community: str, mid: str, people: list[str]) -> Any:
    staff = meeting.token("staff-1", "staff", scope=community)
    for person in people:
        r = await http.post(f"/meetings/{mid}/attendance", headers=staff,
                            json={"person_id": person, "movement": "arrived"})
        assert r.status_code == 200, r.text
    return r.json()


async def test_no_consultation_without_research(meeting: Harness) -> None:
    community = "330102001201"
    unresearched = await _setup(meeting, community, research=False)
    async with meeting.client() as http:
        r = await _schedule(meeting, http, community, unresearched)
        assert r.status_code == 409
        body = r.json()
        assert body["error"] == "topic_not_researched"
        assert body["message_zh"].startswith("不调研不协商") and "research" in body["message_en"]

        # Researched, then reopened (an objection upheld): refused again until new research.
        await meeting.send(researched(unresearched, community, at=now() - timedelta(hours=1)))
        await meeting.wait_ready(community, unresearched)
        await meeting.send(reopened(unresearched, community))
        await meeting.wait_ready(community, unresearched, present=False)
        assert (await _schedule(meeting, http, community, unresearched)).json()["error"] == "topic_not_researched"
        await meeting.send(researched(unresearched, community, at=now()))
        await meeting.wait_ready(community, unresearched)
        assert (await _schedule(meeting, http, community, unresearched)).status_code == 201


async def test_no_opening_and_no_vote_without_quorum(meeting: Harness) -> None:
    community = "330102001202"
    topic = await _setup(meeting, community)
    chair = meeting.token(CHAIR, "council_chair", scope=community)
    async with meeting.client() as http:
        mid = (await _schedule(meeting, http, community, topic)).json()["meeting_id"]
        await _arrive(meeting, http, community, mid, [CHAIR, *MEMBERS[:5]])
        r = await http.post(f"/meetings/{mid}/opening", headers=chair)
        assert r.status_code == 409 and r.json()["error"] == "no_quorum"
        assert (r.json()["present"], r.json()["required"]) == (5, 6)
        assert "5" in r.json()["message_zh"] and "6 required" in r.json()["message_en"]

        await _arrive(meeting, http, community, mid, [MEMBERS[5]])
        assert (await http.post(f"/meetings/{mid}/opening", headers=chair)).status_code == 200
        motion = {"text": RESOLUTION, "measures": MEASURES}
        r = await http.post(f"/meetings/{mid}/topics/{topic}/vote", headers=chair, json=motion)
        assert r.status_code == 200, r.text
        staff = meeting.token("staff-1", "staff", scope=community)
        left = await http.post(f"/meetings/{mid}/attendance", headers=staff,
                               json={"person_id": "m1", "movement": "left"})
        assert left.json()["attendance"]["quorum_met"] is False
        m2 = meeting.token("m2", "council_member", scope=community)
        vote = await http.post(f"/meetings/{mid}/topics/{topic}/votes", headers=m2, json={"choice": "in_favour"})
        assert vote.status_code == 409 and vote.json()["error"] == "no_quorum"
        assert "法定人数" in vote.json()["message_zh"] and "quorum" in vote.json()["message_en"]
        closing = await http.post(f"/meetings/{mid}/topics/{topic}/vote/closing", headers=chair)
        assert closing.status_code == 409 and closing.json()["error"] == "no_quorum"


async def test_the_communitys_settings_set_the_quorum(meeting: Harness) -> None:
    community = "330102001203"
    topic = await _setup(meeting, community)
    await meeting.send(CommunitySettingsChanged(
        community_id=community, code=community, level="community", quorum="6/8", effective_from=now(),
        changed_by="qbm-party"))
    staff = meeting.token("staff-1", "staff", scope=community)
    async with meeting.client() as http:
        rules = f"/communities/{community}/meeting-rules"
        shown = await eventually(lambda: http.get(rules, headers=staff), lambda r: r.json()["quorum"] == "3/4",
                                 what="the community's quorum from its settings")
        assert shown.json()["sources"]["quorum"] == {"level": "community", "code": community}
        assert shown.json()["adoption"] == "1/2" and shown.json()["sources"]["adoption"]["level"] == "city"
        chair = meeting.token(CHAIR, "council_chair", scope=community)
        assert (await http.put(rules, headers=chair, json={"quorum": "1/2"})).status_code == 405
        mid = (await _schedule(meeting, http, community, topic)).json()["meeting_id"]
        attendance = (await _arrive(meeting, http, community, mid, MEMBERS[:6]))["attendance"]
        assert attendance["quorum_required"] == 7 and attendance["quorum_met"] is False


async def test_a_deferral_emits_topic_deferred_and_sends_the_topic_back_to_research(meeting: Harness) -> None:
    community = "330102001204"
    topic = await _setup(meeting, community)
    chair = meeting.token(CHAIR, "council_chair", scope=community)
    async with meeting.client() as http:
        mid = (await _schedule(meeting, http, community, topic)).json()["meeting_id"]
        await _arrive(meeting, http, community, mid, [CHAIR, *MEMBERS[:6]])
        assert (await http.post(f"/meetings/{mid}/opening", headers=chair)).status_code == 200
        short = await http.post(f"/meetings/{mid}/topics/{topic}/deferral", headers=chair, json={"reason": "再议"})
        assert short.status_code == 422
        reason = "需补充调研驿站的面积和消防条件"
        r = await http.post(f"/meetings/{mid}/topics/{topic}/deferral", headers=chair, json={"reason": reason})
        assert r.status_code == 200 and r.json()["agenda"][0]["outcome"] == "deferred"
        again = await http.post(f"/meetings/{mid}/topics/{topic}/dropping", headers=chair, json={"reason": reason})
        assert again.status_code == 409 and again.json()["error"] == "topic_decided"
        assert (await http.post(f"/meetings/{mid}/closing", headers=chair)).status_code == 200
        assert (await _schedule(meeting, http, community, topic)).json()["error"] == "topic_not_researched"

    [deferred] = await meeting.published("yishi.TopicDeferred.v1", topic_id=topic)
    assert str(deferred.data.meeting_id) == mid and deferred.data.reason == reason
    assert deferred.communityid == community


async def test_wrong_role_or_community_is_refused(meeting: Harness) -> None:
    community, other = "330102001205", "330102001299"
    topic = await _setup(meeting, community)
    body = {"community_id": community, "scheduled_for": _when(), "agenda": [str(topic)]}
    async with meeting.client() as http:
        assert (await http.post("/meetings", json=body)).status_code == 401  # a resident, no token
        staff = meeting.token("staff-1", "staff", scope=community)
        assert (await http.post("/meetings", headers=staff, json=body)).status_code == 403
        foreign_chair = meeting.token(CHAIR, "council_chair", scope=other)
        r = await http.post("/meetings", headers=foreign_chair, json=body)
        assert r.status_code == 403 and r.json()["error"] == "outside_your_community"

        mid = (await _schedule(meeting, http, community, topic)).json()["meeting_id"]
        assert (await http.get(f"/meetings/{mid}")).status_code == 401
        assert (await http.get(f"/meetings/{mid}", headers=foreign_chair)).status_code == 403
        assert (await http.post(f"/meetings/{mid}/opening", headers=foreign_chair)).status_code == 403
        assert (await http.post(f"/meetings/{mid}/opening", headers=staff)).status_code == 403
        foreign_staff = meeting.token("staff-9", "staff", scope=other)
        r = await http.post(f"/meetings/{mid}/attendance", headers=foreign_staff,
                            json={"person_id": "m1", "movement": "arrived"})
        assert r.status_code == 403

        await _arrive(meeting, http, community, mid, MEMBERS[:6])
        chair = meeting.token(CHAIR, "council_chair", scope=community)
        assert (await http.post(f"/meetings/{mid}/opening", headers=chair)).status_code == 200
        await http.post(f"/meetings/{mid}/topics/{topic}/vote", headers=chair,
                        json={"text": RESOLUTION, "measures": MEASURES})
        member = meeting.token("m1", "council_member", scope=community)
        r = await http.post(f"/meetings/{mid}/topics/{topic}/votes", headers=member,
                            json={"member_id": "m2", "choice": "against"})
        assert r.status_code == 403 and r.json()["error"] == "not_yourself"
        outsider = await http.post(f"/meetings/{mid}/topics/{topic}/votes", headers=chair,
                                   json={"member_id": "m9", "choice": "in_favour"})  # invited, not present
        assert outsider.status_code == 409 and outsider.json()["error"] == "not_a_voting_member"
        assert (await http.get(f"/meetings/{uuid4()}", headers=staff)).status_code == 404
