"""Lists of implementation tasks on real Kafka and PostgreSQL: a community's and a street's or
district's, overdue ones by China-time days with the clock moved, paging, and who may read them."""

import uuid
from datetime import date, timedelta
from uuid import UUID, uuid4

import pytest
from yishi_contracts import COUNCIL, INTAKE, MEETING, Measure

from services.publication.domain import local_day
from tests.support.eventually import eventually
from tests.support.registry import name_of, registrations, wait_until_known
from tests.unit.factories import adopted, researched, screened, submitted

from .conftest import Publication, token


async def _implementing(p: Publication, community: str, title: str, *deadlines: date) -> UUID:
    """A topic resolved with one measure per deadline, carried to its disclosure."""
    topic_id = uuid4()
    resolution = adopted(topic_id, community).model_copy(update={"adopted_at": p.clock.now(), "measures": [
        Measure(description=f"措施{i}", responsible_party=f"责任单位{i}", deadline=d) for i, d in enumerate(deadlines)
    ]})
    await p.feed(INTAKE.topic, submitted(topic_id, community, title=title))
    await p.feed(COUNCIL.topic, screened(topic_id, community), researched(topic_id, community))
    await p.feed(MEETING.topic, resolution)
    return topic_id


async def _started(p: Publication, topic_id: UUID) -> list[UUID]:
    started = await eventually(lambda: p.published("yishi.ImplementationStarted", topic_id), lambda e: len(e) == 1,
                               what="ImplementationStarted", timeout=30)
    return [t.task_id for t in started[0].tasks]


@pytest.fixture(scope="module")
async def street(publication) -> dict[str, object]:
    p = publication
    prefix = f"3307{uuid.uuid4().int % 100_000:05d}"
    a, b, elsewhere = f"{prefix}001", f"{prefix}002", f"3399{uuid.uuid4().int % 100_000:05d}001"
    d0 = local_day(p.clock.now())
    await p.feed(COUNCIL.topic, *registrations([a]))  # a's names; b and elsewhere stay unregistered
    await wait_until_known([p.runtime.settings.database_url], [a])
    topics = {
        "toilet": await _implementing(p, a, "中山街没有公共厕所", d0 + timedelta(days=10), d0 + timedelta(days=12),
                                      d0 + timedelta(days=60)),
        "lamp": await _implementing(p, b, "小区路灯不亮", d0 + timedelta(days=20)),
        "far": await _implementing(p, elsewhere, "别处的议题", d0 + timedelta(days=10)),
    }
    for topic_id in topics.values():
        await eventually(lambda t=topic_id: p.db.fetchval("SELECT disclosed_at FROM board WHERE topic_id = $1", t),
                         lambda at: at is not None, what="in disclosure", timeout=30)
    p.clock.advance(timedelta(days=8))  # the disclosures end; implementation starts
    tasks = {name: await _started(p, topic_id) for name, topic_id in topics.items()}
    done = await p.client.post(f"/topics/{topics['toilet']}/tasks/{tasks['toilet'][1]}/completion",
                               headers=token(a, "staff"))
    assert done.status_code == 200, done.text
    p.clock.advance(timedelta(days=22))  # today is d0 + 30, China time
    assert local_day(p.clock.now()) == d0 + timedelta(days=30)
    return {"prefix": prefix, "a": a, "b": b, "elsewhere": elsewhere, "topics": topics, "tasks": tasks}


async def _list(p: Publication, url: str, scope: str, role: str = "staff", **params: object) -> dict:
    r = await p.client.get(url, params=params, headers=token(scope, role))
    assert r.status_code == 200, r.text
    return r.json()


async def test_a_community_sees_its_tasks_the_most_overdue_first_with_days_overdue(publication, street) -> None:
    a, (late, done, later) = street["a"], street["tasks"]["toilet"]
    everything = await _list(publication, f"/communities/{a}/tasks", a)
    assert everything["total"] == 3 and everything["next_offset"] is None
    rows = [(t["task_id"], t["overdue"], t["days_overdue"]) for t in everything["tasks"]]
    assert rows == [(str(late), True, 20), (str(done), False, 0), (str(later), False, 0)]
    first = everything["tasks"][0]
    assert (first["title"], first["responsible_party"], first["community_id"]) == ("中山街没有公共厕所", "责任单位0", a)
    assert first["community_path"] == " · ".join(name_of(c) for c in (a, a[:9] + "000", a[:6] + "000000"))
    assert everything["tasks"][1]["completed_at"] is not None and everything["tasks"][1]["percent"] == 100

    overdue = await _list(publication, f"/communities/{a}/tasks", a, "council_member", overdue="true")
    assert [t["task_id"] for t in overdue["tasks"]] == [str(late)]
    not_overdue = await _list(publication, f"/communities/{a}/tasks", a, overdue="false")
    assert [t["task_id"] for t in not_overdue["tasks"]] == [str(done), str(later)]


async def test_a_street_and_a_district_see_the_overdue_tasks_under_them_paged(publication, street) -> None:
    prefix = street["prefix"]
    url = f"/divisions/{prefix}/tasks"
    first = await _list(publication, url, prefix, "party_government", overdue="true", limit=1)
    assert first["total"] == 2 and first["next_offset"] == 1
    second = await _list(publication, url, prefix, "party_government", overdue="true", limit=1, offset=1)
    assert [(t["community_id"], t["title"], t["days_overdue"]) for t in first["tasks"] + second["tasks"]] == [
        (street["a"], "中山街没有公共厕所", 20), (street["b"], "小区路灯不亮", 10)]
    assert second["next_offset"] is None
    district = prefix[:6]
    assert (await _list(publication, f"/divisions/{district}/tasks", district, "cppcc_office",
                        overdue="true"))["total"] == 2


async def test_who_may_not_read_the_tasks_and_what_is_refused(publication, street) -> None:
    a, prefix = street["a"], street["prefix"]
    cases = [
        (f"/communities/{a}/tasks", {}, {}, 401, "login_required"),
        (f"/communities/{a}/tasks", token(street["b"], "staff"), {}, 403, "outside_your_community"),
        (f"/divisions/{prefix}/tasks", token(a, "staff"), {}, 403, "outside_your_community"),
        (f"/divisions/{prefix}/tasks", token(street["elsewhere"][:9], "party_government"), {}, 403,
         "outside_your_community"),
        (f"/communities/{a}/tasks", token(a, "staff"), {"overdue": "maybe"}, 422, "invalid_input"),
        (f"/communities/{a}/tasks", token(a, "staff"), {"limit": 101}, 422, "invalid_input"),
        (f"/divisions/33070/tasks", token(prefix, "party_government"), {}, 422, "invalid_input"),
    ]
    for url, headers, params, status, error in cases:
        r = await publication.client.get(url, headers=headers, params=params)
        assert r.status_code == status, (url, r.text)
        assert r.json()["error"] == error and r.json()["message_zh"] and r.json()["message_en"]
