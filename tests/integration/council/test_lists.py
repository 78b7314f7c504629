"""The staff lists of topics on real Kafka and PostgreSQL: filters, search, paging, a street's
view across its communities, topics followed to their end, and who may read them."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from yishi_contracts import (
    COUNCIL, INTAKE, PUBLICATION, Accepted, MatterEscalated, Ratings, Rejected, TopicClosed,
)

from tests.support.eventually import eventually
from tests.support.registry import name_of, registrations
from tests.unit.factories import researched, screened, submitted

from .conftest import token

# 2026-03-01 00:00 in Beijing is 2026-02-28 16:00 UTC.
MARCH_FIRST_CHINA = datetime(2026, 2, 28, 16, tzinfo=UTC)


def at(days: float, hours: float = 0) -> datetime:
    return MARCH_FIRST_CHINA + timedelta(days=days, hours=hours)


@pytest.fixture(scope="module")
async def street(council) -> dict[str, object]:
    """Two communities of one street with topics along the whole procedure, and one elsewhere."""
    prefix = f"3309{uuid.uuid4().int % 100_000:05d}"
    a, b, elsewhere = f"{prefix}001", f"{prefix}002", f"3308{uuid.uuid4().int % 100_000:05d}001"
    ids = {name: uuid.uuid4() for name in ("toilet", "parking", "school", "rest", "noise", "lamp", "far")}
    await council.feed(COUNCIL.topic, *registrations([b]))  # b's names (a stays unregistered)
    await council.feed(INTAKE.topic,
                       submitted(ids["toilet"], a, title="中山街没有公共厕所", submitted_at=at(0, 1)),
                       submitted(ids["parking"], a, title="静冲路ＰＡＲＫＩＮＧ车位不足", submitted_at=at(0, -1),
                                 source="council_member", channel="grid", submitted_by="staff"),
                       submitted(ids["school"], a, title="中山街上学高峰拥堵", submitted_at=at(10),
                                 source="party_government", channel="phone", submitted_by="staff"),
                       submitted(ids["rest"], a, title="环卫工人无处歇脚", submitted_at=at(20)),
                       submitted(ids["noise"], a, title="夜间广场舞噪音", submitted_at=at(30)),
                       submitted(ids["lamp"], b, title="小区路灯不亮", submitted_at=at(5)),
                       submitted(ids["far"], elsewhere, title="中山街路灯", submitted_at=at(5)))
    screen = lambda topic, community, decision, when: screened(topic, community, decision).model_copy(  # noqa: E731
        update={"screened_at": when})
    await council.feed(COUNCIL.topic,
                       screen(ids["toilet"], a, Accepted(category="public_facilities"), at(2)),
                       screen(ids["school"], a, Accepted(category="road_traffic"), at(11)),
                       screen(ids["rest"], a, Accepted(category="public_welfare"), at(21)),
                       screen(ids["noise"], a, Rejected(reason="individual_dispute", explanation="属邻里个体矛盾，建议调解",
                                                        referral="mediation"), at(31)),
                       researched(ids["school"], a).model_copy(update={"completed_at": at(12)}))
    await council.feed(PUBLICATION.topic,
                       TopicClosed(topic_id=ids["toilet"], community_id=a, round=1, ratings=Ratings(satisfied=5),
                                   closed_at=at(40)),
                       MatterEscalated(topic_id=ids["rest"], community_id=a, escalation_id=uuid.uuid4(),
                                       kind="cppcc_proposal", ground="beyond_authority",
                                       summary="环卫驿站需区级统筹，社区无力单独建设", escalated_at=at(45)))
    expected = {"toilet": "closed", "parking": "submitted", "school": "researched", "rest": "escalated",
                "noise": "rejected", "lamp": "submitted", "far": "submitted"}
    for name, status in expected.items():
        await eventually(lambda: council.status(ids[name]), lambda s, want=status: s == want, what=f"{name} {status}")
    return {"prefix": prefix, "a": a, "b": b, "elsewhere": elsewhere, "ids": ids}


async def _list(council, url: str, scope: str, role: str = "staff", **params: object) -> dict:
    response = await council.client.get(url, params=params, headers=token(scope, role))
    assert response.status_code == 200, response.text
    return response.json()


def _titles(body: dict) -> list[str]:
    return [t["title"] for t in body["topics"]]


async def test_a_community_lists_its_topics_newest_first_with_labels_and_the_last_step(council, street) -> None:
    a = street["a"]
    body = await _list(council, f"/communities/{a}/topics", a)
    assert body["total"] == 5 and body["next_offset"] is None
    assert _titles(body) == ["夜间广场舞噪音", "环卫工人无处歇脚", "中山街上学高峰拥堵", "中山街没有公共厕所",
                             "静冲路ＰＡＲＫＩＮＧ车位不足"]
    toilet = next(t for t in body["topics"] if t["topic_id"] == str(street["ids"]["toilet"]))
    assert toilet["status"] == "closed" and toilet["status_zh"] == "已办结"
    assert toilet["category"] == "public_facilities" and toilet["category_zh"] == "公共设施维护"
    assert toilet["source_zh"] == "社会征" and toilet["channel_zh"] == "线上"
    assert datetime.fromisoformat(toilet["last_step_at"]) == at(40)
    noise = next(t for t in body["topics"] if t["title"] == "夜间广场舞噪音")
    assert noise["category"] is None and noise["status_zh"] == "不予协商"


async def test_filters_by_status_source_channel_category_and_china_time_days(council, street) -> None:
    a, url = street["a"], f"/communities/{street['a']}/topics"
    ended = await _list(council, url, a, status="closed,escalated")
    assert sorted(_titles(ended)) == sorted(["中山街没有公共厕所", "环卫工人无处歇脚"])
    assert _titles(await _list(council, url, a, source="council_member")) == ["静冲路ＰＡＲＫＩＮＧ车位不足"]
    assert _titles(await _list(council, url, a, channel="phone")) == ["中山街上学高峰拥堵"]
    assert _titles(await _list(council, url, a, category=["road_traffic", "public_welfare"])) == [
        "环卫工人无处歇脚", "中山街上学高峰拥堵"]
    # 1 March in Beijing: the toilet (01:00) is in it; parking (23:00 on 28 February) is not.
    first = await _list(council, url, a, submitted_from="2026-03-01", submitted_to="2026-03-01")
    assert _titles(first) == ["中山街没有公共厕所"]
    assert _titles(await _list(council, url, a, submitted_to="2026-02-28")) == ["静冲路ＰＡＲＫＩＮＧ车位不足"]


async def test_the_title_search_ignores_case_and_width(council, street) -> None:
    a, url = street["a"], f"/communities/{street['a']}/topics"
    assert _titles(await _list(council, url, a, title="parking")) == ["静冲路ＰＡＲＫＩＮＧ车位不足"]
    assert sorted(_titles(await _list(council, url, a, title="中山街"))) == sorted(["中山街上学高峰拥堵", "中山街没有公共厕所"])
    assert (await _list(council, url, a, title="不存在的议题"))["total"] == 0


async def test_pages_and_the_other_orders(council, street) -> None:
    a, url = street["a"], f"/communities/{street['a']}/topics"
    pages, offset = [], 0
    while offset is not None:
        body = await _list(council, url, a, sort="oldest", limit=2, offset=offset)
        assert body["total"] == 5
        pages.append(_titles(body))
        offset = body["next_offset"]
    assert pages == [["静冲路ＰＡＲＫＩＮＧ车位不足", "中山街没有公共厕所"], ["中山街上学高峰拥堵", "环卫工人无处歇脚"],
                     ["夜间广场舞噪音"]]
    moved = await _list(council, url, a, sort="last_step", limit=2)
    assert _titles(moved) == ["环卫工人无处歇脚", "中山街没有公共厕所"]


async def test_a_street_office_lists_every_community_under_it_and_no_other(council, street) -> None:
    prefix = street["prefix"]
    body = await _list(council, f"/divisions/{prefix}/topics", prefix, "party_government", title="路灯")
    assert [(t["community_id"], t["title"]) for t in body["topics"]] == [(street["b"], "小区路灯不亮")]
    [lamp] = body["topics"]
    assert lamp["community_name"] == name_of(street["b"])
    assert lamp["community_path"] == " · ".join(name_of(c) for c in (street["b"], prefix + "000", prefix[:6] + "000000"))
    unnamed = await _list(council, f"/divisions/{prefix}/topics", prefix, "party_government", title="公共厕所")
    assert unnamed["topics"][0]["community_name"] is None  # a not registered: the code alone
    assert (await _list(council, f"/divisions/{prefix}/topics", prefix, "party_government"))["total"] == 6
    district = prefix[:6]
    assert (await _list(council, f"/divisions/{district}/topics", district, "cppcc_office", title="路灯"))["total"] == 1
    for office, path, scope in (("street_office", prefix, prefix), ("district_office", district, district),
                                ("city_office", district, district[:4])):  # the offices read what is under them
        assert (await _list(council, f"/divisions/{path}/topics", scope, office, title="路灯"))["total"] == 1, office


async def test_who_may_not_read_a_list(council, street) -> None:
    a, prefix = street["a"], street["prefix"]
    cases = [
        (f"/communities/{a}/topics", {}, 401),
        (f"/communities/{a}/topics", token(street["b"], "staff"), 403),
        (f"/communities/{a}/topics", token(street["elsewhere"][:9], "party_government"), 403),
        (f"/divisions/{prefix}/topics", token(a, "council_chair"), 403),
        (f"/divisions/{prefix}/topics", token(street["elsewhere"][:9], "party_government"), 403),
    ]
    for url, headers, status in cases:
        response = await council.client.get(url, headers=headers)
        assert response.status_code == status, (url, response.text)
        assert response.json()["message_zh"]
    refused = await council.client.get(f"/communities/{a}/topics", params={"status": "finished"},
                                       headers=token(a, "staff"))
    assert refused.status_code == 422 and refused.json()["fields"][0]["field"].startswith("status")
