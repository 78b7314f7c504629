"""Publication on real Kafka and PostgreSQL: disclosure, objections, the period's end by a clock the
test moves, implementation to a closed or reopened topic, escalation, refusals, the public board."""

import random
from datetime import date, timedelta
from uuid import UUID, uuid4

from yishi_contracts import COUNCIL, INTAKE, MEETING, Measure, Merged, Rejected
from yishi_contracts.receipts import receipt_check

from services.kit.receipt_secret import receipt_secret
from services.kit.rebuild import rebuild
from tests.support.eventually import eventually
from tests.unit.factories import adopted, researched, screened, submitted

from .conftest import Publication, token

CODES = ["7K3MQ-9XD4P", "J3SLS-CFV5E", "H4NPW-8RT6Y", "RW5ZA-3MBQ7"]
"""The receipt codes of a topic's submitter and of three residents whose duplicates were merged into it."""


def community() -> str:
    return f"3301020{random.randrange(10**5):05d}"


async def board(p: Publication, community_id: str) -> dict[UUID, dict]:
    response = await p.client.get(f"/communities/{community_id}/board")
    assert response.status_code == 200, response.text
    return {UUID(e["topic_id"]): e for e in response.json()}


async def until_status(p: Publication, community_id: str, topic_id: UUID, status: str) -> dict:
    entries = await eventually(lambda: board(p, community_id), lambda b: b.get(topic_id, {}).get("status") == status,
                               what=f"{topic_id} {status} on the board", timeout=30)
    return entries[topic_id]


def checked(topic_id: UUID, c: str, code: str, **over):
    """A submission as intake sends it: with its receipt code's check under the shared secret."""
    return submitted(topic_id, c, receipt_check=receipt_check(receipt_secret(), topic_id, code), **over)


async def resolved(p: Publication, c: str, *deadlines: date) -> UUID:
    """A topic carried through intake, council and meeting, and on the board in disclosure."""
    topic_id = uuid4()
    resolution = adopted(topic_id, c).model_copy(update={"adopted_at": p.clock.now(), "measures": [
        Measure(description=f"措施{i}", responsible_party="社区居委会", deadline=dl) for i, dl in enumerate(deadlines)
    ]})
    await p.feed(INTAKE.topic, checked(topic_id, c, CODES[0]))
    duplicates = [uuid4() for _ in CODES[1:]]
    await p.feed(INTAKE.topic, *(checked(d, c, code) for d, code in zip(duplicates, CODES[1:])))
    await p.feed(COUNCIL.topic, screened(topic_id, c), researched(topic_id, c),
                 *(screened(d, c, Merged(merged_into=topic_id)) for d in duplicates))
    await p.feed(MEETING.topic, resolution)
    await until_status(p, c, topic_id, "in_disclosure")
    return topic_id


async def test_a_screening_before_its_submission_and_a_resolution_reach_the_board_in_disclosure(publication) -> None:
    p, c, topic_id = publication, community(), uuid4()
    await p.feed(COUNCIL.topic, screened(topic_id, c))
    await eventually(lambda: p.db.fetchval("SELECT screening_outcome FROM board WHERE topic_id = $1", topic_id),
                     lambda o: o == "accepted", what="screening kept before its submission")
    assert topic_id not in await board(p, c), "no title yet: not listed"
    await p.feed(INTAKE.topic, submitted(topic_id, c))
    assert (await until_status(p, c, topic_id, "accepted"))["category_zh"] == "公益事业兴办"
    await p.feed(COUNCIL.topic, researched(topic_id, c))
    await until_status(p, c, topic_id, "researched")
    await p.feed(MEETING.topic, adopted(topic_id, c).model_copy(update={"adopted_at": p.clock.now()}))
    entry = await until_status(p, c, topic_id, "in_disclosure")
    assert entry["status_zh"] == "公示中，可提出异议" and entry["disclosure_ends_at"]

    started = await eventually(lambda: p.published("yishi.DisclosureStarted", topic_id), lambda e: len(e) == 1,
                               what="DisclosureStarted on Kafka")
    assert started[0].ends_at - started[0].published_at == timedelta(days=7)
    detail = (await p.client.get(f"/topics/{topic_id}")).json()
    assert detail["resolution"]["text"] and detail["disclosure"]["accepts_objections"] is True


async def test_a_substantive_objection_sends_the_topic_back_to_the_council(publication) -> None:
    p, c = publication, community()
    topic_id = await resolved(p, c, date(2027, 1, 31))
    objected = await p.client.post(f"/topics/{topic_id}/objections", json={"text": "驿站选址紧挨居民楼，影响休息"})
    assert objected.status_code == 201, objected.text
    objection_id = objected.json()["objection_id"]

    url = f"/topics/{topic_id}/objections/{objection_id}/assessment"
    body = {"substantive": True, "reason": "选址确实影响居民休息，需重新调研"}
    assert (await p.client.post(url, json=body)).status_code == 401
    assert (await p.client.post(url, json=body, headers=token(c, "council_member"))).status_code == 403
    elsewhere = await p.client.post(url, json=body, headers=token("330102009999", "staff"))
    assert elsewhere.status_code == 403 and elsewhere.json()["error"] == "outside_your_community"
    assessed = await p.client.post(url, json=body, headers=token(c, "council_chair", sub="chair-1"))
    assert assessed.status_code == 200, assessed.text

    returned = await eventually(lambda: p.published("yishi.TopicReturnedToCouncil", topic_id), lambda e: len(e) == 1,
                                what="TopicReturnedToCouncil on Kafka")
    assert returned[0].objection == "驿站选址紧挨居民楼，影响休息" and "重新调研" in returned[0].assessment
    assert (await until_status(p, c, topic_id, "returned_to_council"))["status_zh"] == "异议成立，退回协商议事会"
    again = await p.client.post(url, json=body, headers=token(c, "staff"))
    assert again.status_code == 409 and again.json()["message_zh"] and again.json()["message_en"]


async def test_after_the_period_implementation_starts_is_done_rated_and_closed(publication) -> None:
    p, c = publication, community()
    topic_id = await resolved(p, c, date(2027, 1, 31), date(2027, 2, 28))
    bad = await p.client.post(f"/topics/{topic_id}/objections", json={"text": "请联系我 13800138000 详谈"})
    assert bad.status_code == 422 and bad.json()["error"] == "personal_data_in_objection"

    p.clock.advance(timedelta(days=8))
    late = await p.client.post(f"/topics/{topic_id}/objections", json={"text": "公示期过了还想提意见"})
    assert late.status_code == 409 and late.json()["error"] == "disclosure_period_over"
    assert "公示期已于" in late.json()["message_zh"] and "ended" in late.json()["message_en"]

    started = await eventually(lambda: p.published("yishi.ImplementationStarted", topic_id), lambda e: len(e) == 1,
                               what="ImplementationStarted after the period")
    assert started[0].round == 1 and len(started[0].tasks) == 2
    await until_status(p, c, topic_id, "implementing")

    staff = token(c, "staff")
    first, second = (t.task_id for t in started[0].tasks)
    early = await p.client.post(f"/topics/{topic_id}/ratings", json={"rating": "satisfied", "receipt_code": CODES[0]})
    assert early.status_code == 409 and early.json()["error"] == "not_completed"
    progress = await p.client.post(f"/topics/{topic_id}/tasks/{first}/progress", json={"text": "已完成设计", "percent": 40}, headers=staff)
    assert progress.status_code == 201, progress.text
    lower = await p.client.post(f"/topics/{topic_id}/tasks/{first}/progress", json={"text": "返工", "percent": 10}, headers=staff)
    assert lower.status_code == 409 and lower.json()["error"] == "progress_decreased"
    assert (await p.client.post(f"/topics/{topic_id}/tasks/{first}/completion", headers=staff)).status_code == 200

    p.clock.advance(timedelta(days=120))  # the second task is now overdue
    tasks = (await p.client.get(f"/topics/{topic_id}")).json()["implementation"]["tasks"]
    assert [t["overdue"] for t in tasks] == [False, True] and tasks[0]["percent"] == 100
    last = await p.client.post(f"/topics/{topic_id}/tasks/{second}/completion", headers=staff)
    assert last.status_code == 200 and "yishi.ImplementationCompleted.v1" in [e["type"] for e in last.json()["events"]]
    completed = await eventually(lambda: p.published("yishi.ImplementationCompleted", topic_id), lambda e: len(e) == 1,
                                 what="ImplementationCompleted")
    assert completed[0].on_time is False
    await until_status(p, c, topic_id, "implemented")

    wrong = await p.client.post(f"/topics/{topic_id}/ratings", json={"rating": "satisfied", "receipt_code": "22222-33333"})
    assert (wrong.status_code, wrong.json()["error"]) == (422, "wrong_receipt_code")
    assert "受理编号" in wrong.json()["message_zh"]
    for code, rating in zip(CODES, ["satisfied", "satisfied", "basically_satisfied", "dissatisfied"]):
        rated = await p.client.post(f"/topics/{topic_id}/ratings", json={"rating": rating, "receipt_code": code})
        assert rated.status_code == 201, rated.text
    twice = await p.client.post(f"/topics/{topic_id}/ratings", json={"rating": "dissatisfied", "receipt_code": CODES[0]})
    assert twice.status_code == 409 and twice.json()["error"] == "already_rated"
    assert (await p.client.post(f"/topics/{topic_id}/ratings", json={"rating": "ok", "receipt_code": CODES[1]})).status_code == 422
    old = await p.client.post(f"/topics/{topic_id}/ratings", json={"rating": "satisfied", "phone": "13800138000"})
    assert (old.status_code, old.json()["error"]) == (422, "invalid_input")  # the phone no longer rates

    assert (await p.client.post(f"/topics/{topic_id}/closing", headers=token(c, "council_member"))).status_code == 403
    closed = await p.client.post(f"/topics/{topic_id}/closing", headers=token(c, "council_chair"))
    assert closed.status_code == 200, closed.text
    topic_closed = await eventually(lambda: p.published("yishi.TopicClosed", topic_id), lambda e: len(e) == 1, what="TopicClosed")
    assert topic_closed[0].ratings.model_dump() == {"satisfied": 2, "basically_satisfied": 1, "dissatisfied": 1}
    assert (await until_status(p, c, topic_id, "closed"))["status_zh"] == "已办结"
    stored = await p.db.fetchval("SELECT count(*) FROM event_store WHERE envelope::text LIKE '%' || $1 || '%'", CODES[0])
    assert stored == 0, "receipt codes are never stored"
    assert len(await p.published("yishi.SatisfactionRated", topic_id)) == 4


async def test_a_dissatisfied_majority_cannot_close_and_reopens_with_a_new_round(publication) -> None:
    p, c = publication, community()
    topic_id = await resolved(p, c, date(2030, 1, 31))
    p.clock.advance(timedelta(days=8))
    started = await eventually(lambda: p.published("yishi.ImplementationStarted", topic_id), lambda e: len(e) == 1,
                               what="ImplementationStarted")
    staff = token(c, "staff")
    await p.client.post(f"/topics/{topic_id}/tasks/{started[0].tasks[0].task_id}/completion", headers=staff)
    for code, rating in zip(CODES[:3], ["dissatisfied", "dissatisfied", "satisfied"]):
        assert (await p.client.post(f"/topics/{topic_id}/ratings", json={"rating": rating, "receipt_code": code})).status_code == 201

    refused = await p.client.post(f"/topics/{topic_id}/closing", headers=staff)
    assert refused.status_code == 409 and refused.json()["error"] == "residents_dissatisfied"
    assert "重新办理" in refused.json()["message_zh"]
    new_deadline = (p.clock.now() + timedelta(days=30)).date().isoformat()
    body = {"reason": "群众反映驿站开放时间太短", "measures": [
        {"description": "延长驿站开放时间", "responsible_party": "社区居委会", "deadline": new_deadline}]}
    reopened = await p.client.post(f"/topics/{topic_id}/reopening", json=body, headers=token(c, "council_chair"))
    assert reopened.status_code == 200, reopened.text

    events = await eventually(lambda: p.published("yishi.ImplementationReopened", topic_id), lambda e: len(e) == 1,
                              what="ImplementationReopened")
    assert events[0].round == 2 and events[0].ratings.dissatisfied == 2
    rounds = await eventually(lambda: p.published("yishi.ImplementationStarted", topic_id), lambda e: len(e) == 2,
                              what="round 2 started")
    assert [r.round for r in rounds] == [1, 2] and rounds[1].tasks[0].description == "延长驿站开放时间"
    assert (await until_status(p, c, topic_id, "reopened"))["implementation_round"] == 2
    again = await p.client.post(f"/topics/{topic_id}/ratings", json={"rating": "satisfied", "receipt_code": CODES[0]})
    assert again.status_code == 409 and again.json()["error"] == "not_completed"


async def test_a_beyond_authority_rejection_is_escalated_to_the_county_cppcc(publication) -> None:
    p, c = publication, community()
    beyond, dispute = uuid4(), uuid4()
    await p.feed(INTAKE.topic, submitted(beyond, c, title="中山街缺公共厕所"), submitted(dispute, c, title="邻里漏水纠纷"))
    await p.feed(COUNCIL.topic,
                 screened(beyond, c, Rejected(reason="beyond_authority", explanation="公厕建设需区城管部门立项", referral="cppcc_proposal")),
                 screened(dispute, c, Rejected(reason="individual_dispute", explanation="属于邻里个体矛盾", referral="mediation")))
    await until_status(p, c, beyond, "rejected")
    await until_status(p, c, dispute, "rejected")
    body = {"kind": "cppcc_proposal", "summary": "建议在中山街规划建设公共厕所，方便环卫工人和居民"}

    assert (await p.client.post(f"/topics/{beyond}/escalation", json=body, headers=token(c, "council_member"))).status_code == 403
    refused = await p.client.post(f"/topics/{dispute}/escalation", json=body, headers=token(c, "staff"))
    assert refused.status_code == 409 and refused.json()["error"] == "no_escalation_ground"

    async def escalate() -> int:  # the ground is recorded by a reaction: retry until it is there
        return (await p.client.post(f"/topics/{beyond}/escalation", json=body, headers=token(c[:6], "cppcc_office"))).status_code

    await eventually(escalate, lambda s: s == 200, what="escalation accepted")
    escalated = await eventually(lambda: p.published("yishi.MatterEscalated", beyond), lambda e: len(e) == 1,
                                 what="MatterEscalated on Kafka")
    assert escalated[0].ground == "beyond_authority" and escalated[0].addressee == "county_cppcc"
    assert (await until_status(p, c, beyond, "escalated"))["status_zh"] == "已转化上报县政协"
    assert await escalate() == 409


async def test_a_resolution_needing_a_higher_level_is_escalated_with_a_note(publication) -> None:
    p, c = publication, community()
    topic_id = await resolved(p, c, date(2030, 1, 31))
    body = {"kind": "social_conditions_report", "summary": "接送学生高峰期中山街拥堵，需区交警部门统筹",
            "ground": "needs_higher_level"}
    no_note = await p.client.post(f"/topics/{topic_id}/escalation", json=body, headers=token(c, "staff"))
    assert no_note.status_code == 422, no_note.text
    done = await p.client.post(f"/topics/{topic_id}/escalation", json={**body, "note": "信号灯配时需区交警调整"},
                               headers=token(c, "staff"))
    assert done.status_code == 200, done.text
    escalated = await eventually(lambda: p.published("yishi.MatterEscalated", topic_id), lambda e: len(e) == 1,
                                 what="MatterEscalated")
    assert escalated[0].ground == "needs_higher_level" and escalated[0].kind == "social_conditions_report"


async def test_the_html_board_is_chinese_and_has_no_personal_data(publication) -> None:
    p, c = publication, community()
    topic_id = await resolved(p, c, date(2030, 1, 31))
    rejected = uuid4()
    await p.feed(INTAKE.topic, submitted(rejected, c, title="<script>alert(1)</script>停车难", staff_id="grid-07"))
    await p.feed(COUNCIL.topic, screened(rejected, c, Rejected(reason="infeasible", explanation="井冲路无空地可改建车位")))
    await until_status(p, c, rejected, "rejected")
    await p.client.post(f"/topics/{topic_id}/objections", json={"text": "希望驿站晚上也开放"})

    page = await p.client.get(f"/communities/{c}/board.html")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<html lang="zh-CN">' in html and "公示中" in html and "不予协商" in html and "不具备实施条件" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    for secret in ("grid-07", *CODES, "13800138000"):
        assert secret not in html
    assert (await p.client.get("/communities/123/board.html")).status_code == 422
    assert (await p.client.get(f"/topics/{uuid4()}")).status_code == 404


async def test_events_in_reverse_order_give_the_same_board_row(publication) -> None:
    p, in_order, reversed_ = publication, uuid4(), uuid4()
    c = community()
    at = p.clock.now()

    def history(topic_id: UUID) -> list[tuple[str, object]]:
        return [
            (INTAKE.topic, submitted(topic_id, c, submitted_at=at - timedelta(days=9))),
            (COUNCIL.topic, screened(topic_id, c).model_copy(update={"screened_at": at - timedelta(days=8)})),
            (COUNCIL.topic, researched(topic_id, c).model_copy(update={"completed_at": at - timedelta(days=6)})),
            (MEETING.topic, adopted(topic_id, c).model_copy(update={"adopted_at": at - timedelta(days=2)})),
        ]

    for stream, event in history(in_order):
        await p.feed(stream, event)
    for stream, event in reversed(history(reversed_)):
        await p.feed(stream, event)
    entries = await eventually(lambda: board(p, c), lambda b: all(b.get(t, {}).get("status") == "in_disclosure"
                                                                   for t in (in_order, reversed_)), what="both in disclosure")
    columns = "submitted_at, screened_at, screening_outcome, category, researched_at, resolved_at, resolution_text"
    rows = [dict(await p.db.fetchrow(f"SELECT {columns} FROM board WHERE topic_id = $1", t)) for t in (in_order, reversed_)]
    assert rows[0] == rows[1]
    assert entries[in_order]["title"] == entries[reversed_]["title"]


async def test_a_rebuild_from_offset_zero_restores_the_board_and_lookups(publication) -> None:
    p = publication
    snapshot = {
        "board": "SELECT * FROM board ORDER BY topic_id",
        "disclosures": "SELECT * FROM disclosures ORDER BY resolution_id",
        "resolutions": "SELECT * FROM resolutions ORDER BY resolution_id",
    }
    await eventually(lambda: p.db.fetchval("SELECT count(*) FROM outbox"), lambda n: n == 0,
                     what="every own event relayed to Kafka")
    live = {name: [dict(r) for r in await p.db.fetch(sql)] for name, sql in snapshot.items()}
    assert live["board"] and live["disclosures"]
    await rebuild(service="publication", projection=p.runtime.projection, database_url=p.runtime.settings.database_url,
                  bootstrap_servers=p.bootstrap, topic_prefix=p.runtime.settings.kafka.topic_prefix)
    assert {name: [dict(r) for r in await p.db.fetch(sql)] for name, sql in snapshot.items()} == live
