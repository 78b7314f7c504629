"""Implementation (组织落实): tasks, progress, overdue, completion, rating, closing and reopening."""

from datetime import date, datetime, time, timedelta
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st
from yishi_contracts import Satisfaction

from services.publication.domain import (
    CHINA_TIME,
    Implementation,
    PublicationRefused,
    RoundCompleted,
    TaskCompleted,
    start,
)

from .helpers import assert_explained, completed, disclosure, implementation, measures

DEADLINE = date(2026, 12, 31)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), CHINA_TIME)


def rated(impl: Implementation, *ratings: str) -> Implementation:
    for i, rating in enumerate(ratings):
        impl = impl.apply(impl.rate(f"key-{impl.round}-{i}", rating, now=impl.completed_at + timedelta(days=1)))
    return impl


def test_tasks_come_from_the_resolutions_measures() -> None:
    impl = implementation(DEADLINE, date(2027, 1, 15))
    assert [(t.spec.description, t.spec.responsible_party, t.spec.deadline) for t in impl.tasks] == [
        ("任务0", "社区居委会", DEADLINE), ("任务1", "社区居委会", date(2027, 1, 15))
    ]
    assert impl.status == "in_progress" and impl.round == 1


def test_implementation_waits_for_the_disclosure_to_conclude() -> None:
    d = disclosure()
    with pytest.raises(PublicationRefused) as refused:
        start(d, now=d.ends_at)
    assert_explained(refused.value, "disclosure_not_concluded")


def test_progress_is_reported_with_date_text_and_a_non_decreasing_percent() -> None:
    impl = implementation(DEADLINE)
    task_id = impl.tasks[0].spec.task_id
    event = impl.report_progress(task_id, " 已完成设计 ", 30, now=at(date(2026, 12, 10)))
    assert (event.text, event.percent, event.reported_at) == ("已完成设计", 30, at(date(2026, 12, 10)))
    impl = impl.apply(event)
    impl = impl.apply(impl.report_progress(task_id, "进度不变", 30, now=at(date(2026, 12, 11))))
    assert impl.tasks[0].percent == 30 and impl.tasks[0].reports == 2
    with pytest.raises(PublicationRefused) as refused:
        impl.report_progress(task_id, "统计有误", 29, now=at(date(2026, 12, 12)))
    assert_explained(refused.value, "progress_decreased")


@pytest.mark.parametrize("percent", [-1, 101, True, 50.5])
def test_progress_outside_0_to_100_is_refused(percent: object) -> None:
    impl = implementation(DEADLINE)
    with pytest.raises(PublicationRefused) as refused:
        impl.report_progress(impl.tasks[0].spec.task_id, "进展说明", percent, now=at(date(2026, 12, 10)))
    assert_explained(refused.value, "invalid_percent")


@given(st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=20))
def test_reported_progress_never_goes_down(percents: list[int]) -> None:
    impl = implementation(DEADLINE)
    task_id = impl.tasks[0].spec.task_id
    for p in percents:
        try:
            impl = impl.apply(impl.report_progress(task_id, "进展说明", p, now=at(date(2026, 12, 10))))
        except PublicationRefused as refused:
            assert refused.error == "progress_decreased" and p < impl.tasks[0].percent
    assert impl.tasks[0].percent == max(percents)


def test_task_refusals() -> None:
    impl = implementation(DEADLINE)
    with pytest.raises(PublicationRefused) as refused:
        impl.complete_task(uuid4(), now=at(DEADLINE))
    assert_explained(refused.value, "unknown_task")
    impl = completed(impl, at(DEADLINE))
    task_id = impl.tasks[0].spec.task_id
    for attempt in (lambda: impl.complete_task(task_id, now=at(DEADLINE)), lambda: impl.report_progress(task_id, "补充", 100, now=at(DEADLINE))):
        with pytest.raises(PublicationRefused) as refused:
            attempt()
        assert_explained(refused.value, "task_completed")


def test_the_last_task_completes_the_implementation() -> None:
    impl = implementation(DEADLINE, DEADLINE)
    first, second = (t.spec.task_id for t in impl.tasks)
    events = impl.complete_task(first, now=at(date(2026, 12, 20)))
    assert [type(e) for e in events] == [TaskCompleted]
    impl = impl.apply(events[0])
    events = impl.complete_task(second, now=at(date(2026, 12, 21)))
    assert [type(e) for e in events] == [TaskCompleted, RoundCompleted]
    for e in events:
        impl = impl.apply(e)
    assert impl.status == "completed" and impl.tasks[0].percent == 100


@given(
    deadline=st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 12, 31)),
    now=st.datetimes(min_value=datetime(2025, 6, 1), max_value=datetime(2031, 6, 1), timezones=st.just(CHINA_TIME)),
    done=st.booleans(),
)
def test_a_task_is_overdue_exactly_when_past_its_deadline_and_not_complete(deadline: date, now: datetime, done: bool) -> None:
    impl = implementation(deadline)
    if done:
        impl = completed(impl, at(deadline))
    expected = not done and now.date() > deadline
    assert bool(impl.overdue(now)) == expected == impl.tasks[0].overdue(now)


def test_the_deadline_day_counts_in_china_time() -> None:
    impl = implementation(DEADLINE)
    last_minute = datetime.combine(DEADLINE, time(23, 59), CHINA_TIME)
    assert not impl.overdue(last_minute) and impl.overdue(last_minute + timedelta(minutes=1))


def test_ratings_open_only_after_completion_and_once_per_resident() -> None:
    impl = implementation(DEADLINE)
    with pytest.raises(PublicationRefused) as refused:
        impl.rate("receipt-hash-1", "satisfied", now=at(DEADLINE))
    assert_explained(refused.value, "not_completed")
    impl = completed(impl, at(DEADLINE))
    impl = impl.apply(impl.rate(" receipt-hash-1 ", "satisfied", now=at(DEADLINE)))
    assert impl.ratings[0].resident_key == "receipt-hash-1" and impl.ratings[0].rating is Satisfaction.satisfied
    for key, rating, error in [("receipt-hash-1", "dissatisfied", "already_rated"), (" ", "satisfied", "resident_key_required"), ("k2", "great", "invalid_rating")]:
        with pytest.raises(PublicationRefused) as refused:
            impl.rate(key, rating, now=at(DEADLINE))
        assert_explained(refused.value, error)


def test_closing_needs_a_rating_then_closes_and_stays_closed() -> None:
    impl = completed(implementation(DEADLINE), at(DEADLINE))
    with pytest.raises(PublicationRefused) as refused:
        impl.close(now=at(DEADLINE))
    assert_explained(refused.value, "not_enough_ratings")
    impl = rated(impl, "satisfied", "basically_satisfied", "dissatisfied")
    impl = impl.apply(impl.close(now=at(DEADLINE + timedelta(days=3))))
    assert impl.status == "closed"
    for attempt in (lambda: impl.rate("late", "satisfied", now=at(DEADLINE)), lambda: impl.close(now=at(DEADLINE))):
        with pytest.raises(PublicationRefused) as refused:
            attempt()
        assert_explained(refused.value, "implementation_closed")


def test_closing_before_completion_is_refused() -> None:
    with pytest.raises(PublicationRefused) as refused:
        implementation(DEADLINE).close(now=at(DEADLINE))
    assert_explained(refused.value, "not_completed")


def test_dissatisfied_residents_reopen_with_new_tasks_and_rate_again() -> None:
    impl = rated(completed(implementation(DEADLINE), at(DEADLINE)), "dissatisfied", "satisfied")
    with pytest.raises(PublicationRefused) as refused:
        impl.close(now=at(DEADLINE + timedelta(days=2)))
    assert_explained(refused.value, "residents_dissatisfied")
    reopened = impl.reopen(measures(date(2027, 2, 28)), "驿站缺少饮水设施", now=at(DEADLINE + timedelta(days=2)))
    impl = impl.apply(reopened)
    assert impl.round == 2 and impl.status == "in_progress" and impl.ratings == ()
    assert len(impl.tasks) == 2 and len(impl.current_tasks()) == 1
    impl = rated(completed(impl, at(date(2027, 2, 20))), "satisfied", "satisfied", "dissatisfied")
    impl = impl.apply(impl.close(now=at(date(2027, 3, 1))))
    assert impl.status == "closed" and Implementation.fold(impl.events) == impl


def test_reopen_refusals() -> None:
    impl = completed(implementation(DEADLINE), at(DEADLINE))
    satisfied = rated(impl, "satisfied")
    unhappy = rated(impl, "dissatisfied")
    later = at(DEADLINE + timedelta(days=2))
    cases = [
        (lambda: satisfied.reopen(measures(date(2027, 3, 1)), "再做一次", now=later), "residents_satisfied"),
        (lambda: impl.reopen(measures(date(2027, 3, 1)), "再做一次", now=later), "not_enough_ratings"),
        (lambda: unhappy.reopen([], "再做一次", now=later), "tasks_required"),
        (lambda: unhappy.reopen(measures(DEADLINE), "再做一次", now=later), "deadline_in_past"),
        (lambda: unhappy.reopen(measures(date(2027, 3, 1)), " ", now=later), "text_too_short"),
    ]
    for attempt, error in cases:
        with pytest.raises(PublicationRefused) as refused:
            attempt()
        assert_explained(refused.value, error)


def test_figures_on_time_and_days_from_publication() -> None:
    impl = implementation(DEADLINE, DEADLINE)
    assert impl.figures().completed is False and impl.figures().on_time is None and impl.figures().days_to_completion is None
    on_time = completed(impl, at(DEADLINE, 23))
    published_day = impl.published_at.astimezone(CHINA_TIME).date()
    figures = rated(on_time, "satisfied", "dissatisfied").figures()
    assert figures.on_time is True and figures.days_to_completion == (DEADLINE - published_day).days
    assert figures.ratings == {Satisfaction.satisfied: 1, Satisfaction.dissatisfied: 1} and figures.rounds == 1
    late = impl.apply(impl.complete_task(impl.tasks[0].spec.task_id, now=at(DEADLINE))[0])
    late = completed(late, at(DEADLINE + timedelta(days=1)))
    assert late.figures().on_time is False


def test_naive_time_is_refused_everywhere() -> None:
    impl = implementation(DEADLINE)
    with pytest.raises(PublicationRefused) as refused:
        impl.complete_task(impl.tasks[0].spec.task_id, now=datetime(2026, 12, 1, 9))
    assert_explained(refused.value, "naive_time")
