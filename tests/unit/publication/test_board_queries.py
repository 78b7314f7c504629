"""What the public reads, in memory: a community's board and one topic's detail."""

from datetime import date, timedelta
from uuid import uuid4

import pytest
from yishi_contracts import Rejected

from services.kit.errors import status_of
from services.kit.refusal import Refusal
from services.publication.service_layer import detail, disclosures, implementation

from ..factories import COMMUNITY, screened, submitted
from .fakes import CONFIG, publication
from .given import CODES, STAFF, disclosed, implementing


async def test_the_board_lists_a_communitys_topics_with_the_lifecycles_labels() -> None:
    service = publication()
    resolution = await disclosed(service)
    rejected = uuid4()
    service.views.feed(submitted(rejected, title="井冲路停车难"), time=service.clock.now() + timedelta(hours=1))
    service.views.feed(screened(rejected, decision=Rejected(reason="infeasible", explanation="井冲路无空地可改建车位")),
                       time=service.clock.now() + timedelta(hours=1))
    service.views.feed(submitted(uuid4(), community_id="330102009999"))
    entries = {e["topic_id"]: e for e in await detail.community_board(service, COMMUNITY)}
    assert set(entries) == {resolution.topic_id, rejected}
    assert entries[resolution.topic_id]["status"] == "in_disclosure"
    assert entries[resolution.topic_id]["status_zh"] == "公示中，可提出异议"
    assert entries[rejected]["status_zh"] == "不予协商" and entries[rejected]["exclusion_reason_zh"] == "不具备实施条件"


async def test_a_topics_detail_shows_its_disclosure_tasks_ratings_and_no_resident() -> None:
    service = publication()
    started = await implementing(service, date(2027, 1, 31), date(2026, 12, 1))
    topic_id = started.topic_id
    await implementation.complete_task(service, STAFF, topic_id, started.tasks[0].task_id)
    service.clock.advance(days=10)  # the second task is overdue now
    found = await detail.topic_detail(service, topic_id)
    assert found["status"] == "implementing" and found["resolution"]["text"]
    assert found["disclosure"]["outcome"] == "cleared_for_implementation" and not found["disclosure"]["accepts_objections"]
    tasks = found["implementation"]["tasks"]
    assert [t["overdue"] for t in tasks] == [False, True] and tasks[0]["percent"] == 100
    assert found["implementation"]["overdue_tasks"] == 1 and found["escalation"] is None
    await implementation.complete_task(service, STAFF, topic_id, started.tasks[1].task_id)
    await implementation.rate(service, CONFIG, topic_id, "satisfied", CODES[0])
    found = await detail.topic_detail(service, topic_id)
    assert found["implementation"]["ratings"] == {"satisfied": 1, "basically_satisfied": 0, "dissatisfied": 0}
    assert CODES[0] not in repr(found) and CONFIG.resident_key(CODES[0]) not in repr(found)


async def test_a_topic_in_disclosure_shows_its_anonymous_objections() -> None:
    service = publication()
    resolution = await disclosed(service)
    await disclosures.raise_objection(service, resolution.topic_id, "希望驿站晚上也开放")
    found = await detail.topic_detail(service, resolution.topic_id)
    assert found["disclosure"]["accepts_objections"] is True and found["implementation"] is None
    assert [o["text"] for o in found["disclosure"]["objections"]] == ["希望驿站晚上也开放"]


async def test_an_unknown_topic_is_not_found() -> None:
    with pytest.raises(Refusal) as missing:
        await detail.topic_detail(publication(), uuid4())
    assert status_of(missing.value) == 404
