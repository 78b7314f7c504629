"""A street's and a district's list of meetings on real Kafka and PostgreSQL: every community under
the division, each meeting with its community's names (registry replica) and its agenda's titles
and outcomes, by China-time day, paged; and who may read which division."""

import uuid
from datetime import datetime

from yishi_contracts import DivisionRegistered

from services.kit.refusal import CHINA_TIME
from tests.support.eventually import eventually
from tests.support.registry import name_of, registrations, wait_until_known

from .harness import Harness, researched, roster, screened, submitted
from .test_lists import _convene, _feed_meeting, _hold


async def test_a_street_office_lists_its_communities_meetings_and_not_another_streets(meeting: Harness) -> None:
    district = f"33{uuid.uuid4().int % 10_000:04d}"
    street, other_street = f"{district}001", f"{district}002"
    a, b, elsewhere = f"{street}001", f"{street}002", f"{other_street}001"
    for event in registrations([a, b, elsewhere]):
        assert isinstance(event, DivisionRegistered)
        await meeting.send(event)
    await wait_until_known([meeting.runtime.settings.database_url], [a, b, elsewhere])
    titles = {"rest": "环卫工人无处歇脚", "parking": "静冲路停车位不足"}
    topics = {name: uuid.uuid4() for name in titles}
    await meeting.send(roster(a))
    for name, topic in topics.items():
        for event in (submitted(topic, a, title=titles[name]), screened(topic, a), researched(topic, a)):
            await meeting.send(event)
    for topic in topics.values():
        await meeting.wait_ready(a, topic, filled=("title",))
    await meeting.wait_roster(a)
    in_b = await _feed_meeting(meeting, b, datetime(2025, 6, 1, 0, 30, tzinfo=CHINA_TIME))
    await _feed_meeting(meeting, elsewhere, datetime(2025, 6, 2, 9, 0, tzinfo=CHINA_TIME))

    office = meeting.token("office-1", "street_office", scope=street)
    async with meeting.client() as http:
        held = await _convene(meeting, http, a, list(topics.values()), hours=2)
        await _hold(meeting, http, a, held, adopt=topics["rest"], defer=topics["parking"])

        async def listed(prefix: str, headers: dict[str, str], **params: object) -> dict:
            r = await http.get(f"/divisions/{prefix}/meetings", params=params, headers=headers)
            assert r.status_code == 200, r.text
            return r.json()

        body = await eventually(lambda: listed(street, office), lambda b: b["total"] == 2, what="the street's two meetings")
        assert body["within"] == street and body["next_offset"] is None
        ours, theirs = body["meetings"]
        assert (ours["meeting_id"], ours["community_id"], theirs["meeting_id"], theirs["community_id"]) == (
            held, a, str(in_b), b)
        assert ours["community_path"] == " · ".join(name_of(c) for c in (a, street + "000", district + "000000"))
        assert [(t["title"], t["outcome"], t["outcome_zh"]) for t in ours["agenda"]] == [
            ("环卫工人无处歇脚", "adopted", "形成决议"), ("静冲路停车位不足", "deferred", "暂缓，退回调研")]
        assert ours["status"] == "closed"
        first = await listed(street, office, limit=1)
        assert first["total"] == 2 and first["next_offset"] == 1
        that_day = await listed(street, office, held_from="2025-06-01", held_to="2025-06-01")
        assert [m["meeting_id"] for m in that_day["meetings"]] == [str(in_b)]
        whole = await listed(district, meeting.token("office-2", "district_office", scope=district))
        assert whole["total"] == 3 and {m["community_id"] for m in whole["meetings"]} == {a, b, elsewhere}

        cases = [
            (other_street, office, {}, 403, "outside_your_community"),
            (street, meeting.token("staff-1", "staff", scope=a), {}, 403, "outside_your_community"),
            (district, office, {}, 403, "outside_your_community"),
            (street, {}, {}, 401, "login_required"),
            (street[:7], office, {}, 422, "invalid_input"),
            (street, office, {"held_from": "2026-02-02", "held_to": "2026-02-01"}, 422, "period_reversed"),
        ]
        for prefix, headers, params, status, error in cases:
            r = await http.get(f"/divisions/{prefix}/meetings", headers=headers, params=params)
            assert r.status_code == status, (prefix, r.text)
            assert r.json()["error"] == error and r.json()["message_zh"] and r.json()["message_en"]
