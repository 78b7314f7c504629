"""Implementation's use cases in memory: progress, completion, residents' ratings, closing, reopening."""

from datetime import date, timedelta
from uuid import uuid4

import pytest
from yishi_contracts import (
    ImplementationCompleted,
    ImplementationReopened,
    ImplementationStarted,
    Measure,
    SatisfactionRated,
    TaskProgressed,
    TopicClosed,
)

from services.kit.auth import Role
from services.kit.errors import status_of
from services.kit.refusal import Refusal
from services.publication import domain as d
from services.publication.service_layer import implementation

from .fakes import CONFIG, actor, publication
from .given import CODES, STAFF, implementing, merged_duplicate, rated

CHAIR = actor(Role.council_chair, sub="chair-1")


async def test_staff_report_progress_that_never_goes_down() -> None:
    service = publication()
    started = await implementing(service, date(2027, 1, 31))
    task_id = started.tasks[0].task_id
    reported = await implementation.report_progress(service, STAFF, started.topic_id, task_id, "已完成设计", 40)
    assert reported.percent == 40 and reported.reported_at == service.clock.now()
    assert (reported.by, reported.roles) == (STAFF.id, ("staff",))
    [progressed] = service.published(TaskProgressed)
    assert (progressed.task_id, progressed.percent, progressed.completed_at) == (task_id, 40, None)
    assert "已完成设计" not in progressed.model_dump_json()  # the words stay with publication's staff
    refusals = []
    for who, topic_id, percent in ((STAFF, started.topic_id, 10), (CHAIR, started.topic_id, 50), (STAFF, uuid4(), 50)):
        with pytest.raises(Refusal) as refused:
            await implementation.report_progress(service, who, topic_id, task_id, "返工", percent)
        refusals.append((refused.value.error, status_of(refused.value)))
    assert refusals == [("progress_decreased", 409), ("role_not_allowed", 403), ("not_found", 404)]


async def test_the_last_task_completes_the_round_and_says_whether_it_was_on_time() -> None:
    service = publication()
    started = await implementing(service, date(2027, 1, 31), date(2026, 12, 1))
    first, second = (t.task_id for t in started.tasks)
    [progressed] = await implementation.complete_task(service, STAFF, started.topic_id, first)
    assert (progressed.type, progressed.data.task_id, progressed.data.percent) == ("yishi.TaskProgressed.v1", first, 100)
    assert progressed.data.completed_at == service.clock.now() and progressed.data.round == 1
    service.clock.advance(days=10)  # the second task's deadline has passed
    envelopes = await implementation.complete_task(service, STAFF, started.topic_id, second)
    assert [e.type for e in envelopes] == ["yishi.TaskProgressed.v1", "yishi.ImplementationCompleted.v1"]
    (completed,) = service.published(ImplementationCompleted)
    assert completed.round == 1 and completed.on_time is False
    with pytest.raises(Refusal) as unknown:
        await implementation.complete_task(service, STAFF, started.topic_id, uuid4())
    assert status_of(unknown.value) == 404


async def test_a_resident_rates_once_per_round_with_their_receipt_code_which_is_never_kept() -> None:
    service = publication()
    started = await implementing(service, date(2027, 1, 31))
    with pytest.raises(Refusal) as early:
        await implementation.rate(service, CONFIG, started.topic_id, "satisfied", CODES[0])
    assert early.value.error == "not_completed" and status_of(early.value) == 409
    await implementation.complete_task(service, STAFF, started.topic_id, started.tasks[0].task_id)
    rating = await implementation.rate(service, CONFIG, started.topic_id, "basically_satisfied", " 7k3mq 9xd4p ")
    assert rating.round == 1 and rating.resident_key == CONFIG.resident_key(CODES[0])
    for code, value, error, status in ((CODES[0], "dissatisfied", "already_rated", 409),
                                       (CODES[1], "satisfied", "wrong_receipt_code", 422),
                                       ("7K3MQ-9XD4", "satisfied", "wrong_receipt_code", 422),
                                       (CODES[0].lower(), "dissatisfied", "already_rated", 409)):
        with pytest.raises(Refusal) as refused:
            await implementation.rate(service, CONFIG, started.topic_id, value, code)
        assert (refused.value.error, status_of(refused.value)) == (error, status)
        assert refused.value.message_zh
    assert [r.rating for r in service.published(SatisfactionRated)] == ["basically_satisfied"]
    kept = repr(service.store.streams) + repr(service.store.outbox)
    assert CODES[0] not in kept and "7K3MQ9XD4P" not in kept


async def test_the_submitter_of_a_duplicate_merged_into_the_topic_rates_it_too() -> None:
    service = publication()
    started = await implementing(service, date(2027, 1, 31))
    await implementation.complete_task(service, STAFF, started.topic_id, started.tasks[0].task_id)
    merged_duplicate(service, started.topic_id, CODES[1])
    with pytest.raises(Refusal) as invalid:
        await implementation.rate(service, CONFIG, started.topic_id, "great", CODES[1])
    assert (invalid.value.error, status_of(invalid.value)) == ("invalid_rating", 422)
    for code in CODES[:2]:
        await implementation.rate(service, CONFIG, started.topic_id, "satisfied", code)
    assert len(service.published(SatisfactionRated)) == 2


async def test_a_topic_submitted_before_receipt_checks_cannot_be_rated_by_code() -> None:
    service = publication()
    started = await implementing(service, date(2027, 1, 31))
    await implementation.complete_task(service, STAFF, started.topic_id, started.tasks[0].task_id)
    service.views.checks.pop(started.topic_id)  # as from a TopicSubmitted of contracts 1.2
    with pytest.raises(Refusal) as refused:
        await implementation.rate(service, CONFIG, started.topic_id, "satisfied", CODES[0])
    assert (refused.value.error, status_of(refused.value)) == ("receipt_check_unavailable", 409)
    assert "回执码" in refused.value.message_zh


async def test_a_chair_closes_when_the_ratings_allow_it() -> None:
    service = publication()
    started = await rated(service, "satisfied", "basically_satisfied", "dissatisfied")
    with pytest.raises(Refusal) as member:
        await implementation.close(service, CONFIG, actor(Role.council_member), started.topic_id)
    assert status_of(member.value) == 403
    envelopes = await implementation.close(service, CONFIG, CHAIR, started.topic_id)
    assert [e.type for e in envelopes] == ["yishi.TopicClosed.v1"]
    (closed,) = service.published(TopicClosed)
    assert closed.ratings.model_dump() == {"satisfied": 1, "basically_satisfied": 1, "dissatisfied": 1}
    with pytest.raises(Refusal) as again:
        await implementation.close(service, CONFIG, CHAIR, started.topic_id)
    assert again.value.error == "implementation_closed"


async def test_dissatisfied_residents_reopen_the_topic_for_a_new_round() -> None:
    service = publication()
    started = await rated(service, "dissatisfied", "dissatisfied", "satisfied")
    with pytest.raises(Refusal) as refused:
        await implementation.close(service, CONFIG, CHAIR, started.topic_id)
    assert refused.value.error == "residents_dissatisfied" and status_of(refused.value) == 409
    deadline = (service.clock.now() + timedelta(days=30)).date()
    measures = [Measure(description="延长驿站开放时间", responsible_party="社区居委会", deadline=deadline)]
    envelopes = await implementation.reopen(service, CONFIG, CHAIR, started.topic_id, "群众反映驿站开放时间太短", measures)
    assert [e.type for e in envelopes] == ["yishi.ImplementationReopened.v1", "yishi.ImplementationStarted.v1"]
    (reopened,) = service.published(ImplementationReopened)
    assert reopened.round == 2 and reopened.ratings.dissatisfied == 2
    assert [s.round for s in service.published(ImplementationStarted)] == [1, 2]
    stream = service.store.streams[f"implementation:{started.topic_id}"]
    assert d.Implementation.fold(stream).round == 2
    with pytest.raises(Refusal) as early:
        await implementation.reopen(service, CONFIG, CHAIR, started.topic_id, "再做一次", measures)
    assert (early.value.error, status_of(early.value)) == ("not_completed", 409)
