"""A whole consultation meeting over HTTP, fed by upstream events that arrive out of order,
ending in ResolutionAdopted on Kafka with its tally, attendance and dissent."""

import asyncio
from datetime import timedelta
from uuid import uuid4

import asyncpg

from services.kit.rebuild import rebuild
from tests.support.eventually import eventually
from services.meeting.projection import TABLES, build_projection

from .harness import CHAIR, MEASURES, MEMBERS, RESOLUTION, Harness, now, researched, roster, screened, submitted

COMMUNITY = "330102001101"


async def test_a_full_meeting_ends_in_a_resolution_adopted_by_vote(meeting: Harness) -> None:
    topic = uuid4()
    # Research and the roster arrive before the submission and its screening.
    await meeting.send(researched(topic, COMMUNITY))
    await meeting.send(roster(COMMUNITY))
    await meeting.send(submitted(topic, COMMUNITY))
    await meeting.send(screened(topic, COMMUNITY))
    await meeting.wait_ready(COMMUNITY, topic, filled=("title", "category"))
    await meeting.wait_roster(COMMUNITY)
    [candidate] = await meeting.ready(COMMUNITY)
    assert candidate["title"] == "环卫工人无处歇脚" and candidate["category"] == "public_welfare"

    chair = meeting.token(CHAIR, "council_chair", scope=COMMUNITY)
    staff = meeting.token("staff-1", "staff", scope=COMMUNITY)
    async with meeting.client() as http:
        when = (now() + timedelta(hours=2)).isoformat()
        response = await http.post("/meetings", headers=chair,
                                   json={"community_id": COMMUNITY, "scheduled_for": when, "agenda": [str(topic)]})
        assert response.status_code == 201, response.text
        scheduled = response.json()
        mid = scheduled["meeting_id"]
        assert scheduled["place"] == "协商议事室" and scheduled["chair_id"] == CHAIR
        assert scheduled["invited"]["fixed_members"] == sorted(MEMBERS)
        # The names the console shows instead of the members' sign-in ids, as kept at convening.
        assert scheduled["chair_name"] == "王主席"
        named = {m["member_id"]: m["name"] for m in scheduled["invited"]["named"]}
        assert named == {m: f"成员{m}" for m in MEMBERS}
        guests = [g["person_id"] for g in scheduled["invited"]["invitees"]]
        assert guests == [f"x:{topic}:1", f"x:{topic}:2"]
        invited = await http.post(f"/meetings/{mid}/invitations", headers=chair, json={"invitees": [
            {"topic_id": str(topic), "kind": "community_station", "description": "街道环卫所"}]})
        assert invited.status_code == 200, invited.text
        assert [g["person_id"] for g in invited.json()["invited"]["invitees"]][-1] == f"x:{topic}:3"

        for person in [CHAIR, *MEMBERS[:7], guests[0]]:
            r = await http.post(f"/meetings/{mid}/attendance", headers=staff,
                                json={"person_id": person, "movement": "arrived"})
            assert r.status_code == 200, r.text
        attendance = r.json()["attendance"]
        assert attendance["fixed_members_present"] == 7 and attendance["fixed_members_total"] == 9
        assert attendance["quorum_required"] == 6 and attendance["quorum_met"] and attendance["invitees_present"] == 1

        assert (await http.post(f"/meetings/{mid}/opening", headers=chair)).status_code == 200
        voices = [("m1", "statement", "建议改造闲置用房"), (guests[0], "question", "驿站何时开放？"),
                  (CHAIR, "answer", "计划年底前开放"), ("m7", "debate", "用房面积不够，应另选地点")]
        for speaker, kind, text in voices:
            r = await http.post(f"/meetings/{mid}/minutes", headers=staff,
                                json={"topic_id": str(topic), "speaker_id": speaker, "kind": kind, "text": text})
            assert r.status_code == 200, r.text
        dissenter = meeting.token("m7", "council_member", scope=COMMUNITY)
        opinion = "用房面积不足，建议另选地点"
        r = await http.post(f"/meetings/{mid}/topics/{topic}/dissent", headers=dissenter, json={"opinion": opinion})
        assert r.status_code == 200, r.text

        r = await http.post(f"/meetings/{mid}/topics/{topic}/vote", headers=chair,
                            json={"text": RESOLUTION, "measures": MEASURES})
        assert r.status_code == 200, r.text
        # Five members vote as themselves at the same moment: concurrent appends are decided again.
        votes = await asyncio.gather(*(
            http.post(f"/meetings/{mid}/topics/{topic}/votes", json={"choice": "in_favour"},
                      headers=meeting.token(member, "council_member", scope=COMMUNITY))
            for member in MEMBERS[:5]
        ))
        assert [v.status_code for v in votes] == [200] * 5, [v.text for v in votes]
        for member, choice in (("m6", "in_favour"), ("m7", "against")):  # a show of hands, recorded by staff
            r = await http.post(f"/meetings/{mid}/topics/{topic}/votes", headers=staff,
                                json={"member_id": member, "choice": choice})
            assert r.status_code == 200, r.text
        closed = await http.post(f"/meetings/{mid}/topics/{topic}/vote/closing", headers=chair)
        assert closed.status_code == 200, closed.text
        assert closed.json()["adopted"] is True
        assert (await http.post(f"/meetings/{mid}/closing", headers=chair)).status_code == 200

        detail = (await http.get(f"/meetings/{mid}", headers=staff)).json()
        listed = (await http.get(f"/communities/{COMMUNITY}/meetings", headers=staff)).json()

    assert detail["status"] == "closed"
    assert [(m["number"], m["speaker_id"], m["kind"]) for m in detail["minutes"]] == [
        (i, speaker, kind) for i, (speaker, kind, _) in enumerate(voices, 1)
    ]
    [item] = detail["agenda"]
    assert item["title"] == "环卫工人无处歇脚" and item["status"] == "adopted" and item["outcome"] == "adopted"
    assert item["tally"] == {"in_favour": 6, "against": 1, "abstain": 0}
    assert item["vote_result"] == {"voting_present": 7, "adopted": True}
    assert item["dissent"] == [{"member_id": "m7", "opinion": opinion}]

    [adopted] = await meeting.published("yishi.ResolutionAdopted.v1", topic_id=topic)
    data = adopted.data
    assert str(data.meeting_id) == mid and data.method == "vote" and data.text == RESOLUTION
    assert (data.tally.in_favour, data.tally.against, data.tally.abstain) == (6, 1, 0)
    assert (data.attendance.fixed_members_total, data.attendance.fixed_members_present) == (9, 7)
    assert data.attendance.invitees_present == 1 and data.dissent == [opinion]
    assert data.measures[0].responsible_party == "社区居委会"
    [convened] = await meeting.published("yishi.MeetingScheduled.v1", meeting_id=mid)
    assert convened.data.topic_ids == [topic]

    assert [(m["meeting_id"], m["status"], [(a["topic_id"], a["outcome"]) for a in m["agenda"]])
            for m in listed["meetings"]] == [(mid, "closed", [(str(topic), "adopted")])]
    await meeting.wait_ready(COMMUNITY, topic, present=False)  # decided: no longer an agenda candidate



async def test_an_older_roster_arriving_late_does_not_replace_the_newer_one(meeting: Harness) -> None:
    community = "330102001102"
    council = uuid4()
    newer = roster(community, council)
    older = roster(community, council, members=MEMBERS[:7]).model_copy(
        update={"changed_at": newer.changed_at - timedelta(days=30)}
    )
    await meeting.send(newer)
    await meeting.wait_roster(community)
    late = await meeting.send(older)
    conn = await asyncpg.connect(meeting.runtime.settings.database_url)
    try:
        seen = lambda: conn.fetchval("SELECT count(*) FROM processed_events WHERE event_id = $1", late.id)  # noqa: E731
        await eventually(seen, lambda n: n == 1, what="the older roster consumed")
    finally:
        await conn.close()
    async with meeting.client() as http:
        staff = meeting.token("staff-1", "staff", scope=community)
        body = (await http.get(f"/communities/{community}/roster", headers=staff)).json()
    assert body["council_id"] == str(council) and len(body["fixed_members"]) == len(MEMBERS)

async def _views(url: str) -> dict[str, list]:
    conn = await asyncpg.connect(url)
    try:
        return {t: [dict(r) for r in await conn.fetch(f"SELECT * FROM {t} ORDER BY 1, 2")] for t in TABLES}
    finally:
        await conn.close()


async def test_the_views_rebuilt_from_kafka_equal_the_live_ones(meeting: Harness) -> None:
    settings = meeting.runtime.settings
    before = await _views(settings.database_url)
    assert before["meetings"] and before["meeting_outcomes"] and before["council_rosters"]
    report = await rebuild(
        service="meeting", projection=build_projection(), database_url=settings.database_url,
        bootstrap_servers=settings.kafka.bootstrap_servers, topic_prefix=settings.kafka.topic_prefix,
    )
    assert report.records_skipped == 0
    assert await _views(settings.database_url) == before
