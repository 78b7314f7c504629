"""A community's list of meetings on real Kafka and PostgreSQL: meetings held over HTTP and
meetings known only from Kafka, newest first, with their agenda topics' titles and outcomes,
paged, by China-time day, and who may read it."""

import uuid
from datetime import datetime, timedelta

import httpx
from yishi_contracts import MEETING, Envelope, MeetingScheduled

from services.kit.binding import to_kafka
from services.kit.refusal import CHINA_TIME
from tests.support.eventually import eventually

from .harness import CHAIR, MEASURES, MEMBERS, RESOLUTION, Harness, now, researched, roster, screened, submitted


async def _feed_meeting(meeting: Harness, community: str, scheduled_for: datetime) -> uuid.UUID:
    """A meeting another instance convened, as it reached Kafka (its agenda topics unknown here)."""
    event = MeetingScheduled(meeting_id=uuid.uuid4(), community_id=community, council_id=uuid.uuid4(),
                             scheduled_for=scheduled_for, place="社区党群服务中心", topic_ids=[uuid.uuid4()])
    record = to_kafka(Envelope.wrap(event, source=MEETING.source))
    await meeting.producer.send_and_wait(meeting.runtime.settings.kafka.topic(MEETING.topic), record.value,
                                         key=record.key, headers=record.headers)
    return event.meeting_id


async def _convene(meeting: Harness, http: httpx.AsyncClient, community: str, topics: list[uuid.UUID],
                   hours: int) -> str:
    chair = meeting.token(CHAIR, "council_chair", scope=community)
    when = (now() + timedelta(hours=hours)).isoformat()
    r = await http.post("/meetings", headers=chair,
                        json={"community_id": community, "scheduled_for": when, "agenda": [str(t) for t in topics]})
    assert r.status_code == 201, r.text
    return r.json()["meeting_id"]


async def _hold(meeting: Harness, http: httpx.AsyncClient, community: str, mid: str, adopt: uuid.UUID,
                defer: uuid.UUID) -> None:
    chair = meeting.token(CHAIR, "council_chair", scope=community)
    staff = meeting.token("staff-1", "staff", scope=community)
    for person in [CHAIR, *MEMBERS[:7]]:
        r = await http.post(f"/meetings/{mid}/attendance", headers=staff,
                            json={"person_id": person, "movement": "arrived"})
        assert r.status_code == 200, r.text
    steps = [(f"/meetings/{mid}/opening", None),
             (f"/meetings/{mid}/topics/{adopt}/consensus", {"text": RESOLUTION, "measures": MEASURES}),
             (f"/meetings/{mid}/topics/{defer}/deferral", {"reason": "需补充调研停车位的产权情况"}),
             (f"/meetings/{mid}/closing", None)]
    for url, body in steps:
        r = await http.post(url, headers=chair, json=body)
        assert r.status_code == 200, (url, r.text)


async def test_the_list_of_meetings_pages_newest_first_with_agenda_titles_and_outcomes(meeting: Harness) -> None:
    community = f"33010300{uuid.uuid4().int % 10_000:04d}"
    titles = {"rest": "环卫工人无处歇脚", "parking": "静冲路停车位不足", "toilet": "中山街没有公共厕所"}
    topics = {name: uuid.uuid4() for name in titles}
    await meeting.send(roster(community))
    for name, topic in topics.items():
        await meeting.send(submitted(topic, community, title=titles[name]))
        await meeting.send(screened(topic, community))
        await meeting.send(researched(topic, community))
    for topic in topics.values():
        await meeting.wait_ready(community, topic, filled=("title",))
    await meeting.wait_roster(community)
    # Two earlier meetings either side of midnight, Beijing time, on 1 June 2025.
    june_first = await _feed_meeting(meeting, community, datetime(2025, 6, 1, 0, 30, tzinfo=CHINA_TIME))
    may_last = await _feed_meeting(meeting, community, datetime(2025, 5, 31, 23, 30, tzinfo=CHINA_TIME))

    staff = meeting.token("staff-1", "staff", scope=community)
    async with meeting.client() as http:
        held = await _convene(meeting, http, community, [topics["rest"], topics["parking"]], hours=2)
        await _hold(meeting, http, community, held, adopt=topics["rest"], defer=topics["parking"])
        coming = await _convene(meeting, http, community, [topics["toilet"]], hours=26)

        async def listed(**params: object) -> dict:
            r = await http.get(f"/communities/{community}/meetings", params=params, headers=staff)
            assert r.status_code == 200, r.text
            return r.json()

        first = await eventually(lambda: listed(limit=2), lambda b: b["total"] == 4, what="four meetings listed")
        assert first["next_offset"] == 2
        assert [m["meeting_id"] for m in first["meetings"]] == [coming, held]
        upcoming, closed = first["meetings"]
        assert (upcoming["status"], upcoming["status_zh"]) == ("scheduled", "已召集")
        assert [(a["title"], a["outcome"], a["outcome_zh"]) for a in upcoming["agenda"]] == [
            ("中山街没有公共厕所", "pending", "待议")]
        assert (closed["status"], closed["status_zh"], closed["place"]) == ("closed", "已闭会", "协商议事室")
        assert [(a["title"], a["outcome"]) for a in closed["agenda"]] == [
            ("环卫工人无处歇脚", "adopted"), ("静冲路停车位不足", "deferred")]

        second = await listed(limit=2, offset=2)
        assert [m["meeting_id"] for m in second["meetings"]] == [str(june_first), str(may_last)]
        assert second["next_offset"] is None
        assert second["meetings"][0]["agenda"][0]["title"] is None
        assert second["meetings"][0]["agenda"][0]["outcome"] == "pending"

        that_day = await listed(held_from="2025-06-01", held_to="2025-06-01")
        assert [m["meeting_id"] for m in that_day["meetings"]] == [str(june_first)]
        street = meeting.token("office-1", "party_government", scope=community[:9])
        by_street = await http.get(f"/communities/{community}/meetings", headers=street)
        assert by_street.status_code == 200 and by_street.json()["total"] == 4


async def test_who_may_not_read_the_list_and_what_is_refused(meeting: Harness) -> None:
    community = "330103009001"
    url = f"/communities/{community}/meetings"
    cases = [
        ({}, {}, 401, "login_required"),
        (meeting.token("staff-2", "staff", scope="330103009002"), {}, 403, "outside_your_community"),
        (meeting.token("office-2", "party_government", scope="330103008"), {}, 403, "outside_your_community"),
        (meeting.token("staff-1", "staff", scope=community), {"limit": 101}, 422, "invalid_input"),
        (meeting.token("staff-1", "staff", scope=community), {"held_from": "2026-02-02", "held_to": "2026-02-01"},
         422, "period_reversed"),
    ]
    async with meeting.client() as http:
        for headers, params, status, error in cases:
            r = await http.get(url, headers=headers, params=params)
            assert r.status_code == status, r.text
            assert r.json()["error"] == error and r.json()["message_zh"]
