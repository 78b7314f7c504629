"""Disclosure (公开公示): the period, objections, their assessment and the two outcomes."""

from datetime import UTC, datetime, timedelta, timezone
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st
from yishi_contracts import DisclosureStarted

from services.publication.domain import (
    CLEARED_FOR_IMPLEMENTATION,
    RETURNED_TO_COUNCIL,
    Disclosure,
    DisclosureConcluded,
    DisclosurePolicy,
    DisclosureReturnedToCouncil,
    ObjectionAssessed,
    PublicationRefused,
    publish,
)

from ..factories import NOW, adopted
from .helpers import PUBLISHED, assert_explained, disclosure

OBJECTION = "驿站选址离居民楼太近，夜间会有噪音"


def raised(d: Disclosure, text: str = OBJECTION) -> Disclosure:
    return d.apply(d.object(text, now=d.published_at + timedelta(days=1)))


def test_publication_starts_the_default_seven_day_period() -> None:
    resolution = adopted(uuid4())
    event = publish(resolution, now=PUBLISHED)
    assert event.published_at == PUBLISHED and event.ends_at == PUBLISHED + timedelta(days=7)
    assert event.measures == tuple(resolution.measures) and event.resolution_id == resolution.resolution_id


def test_the_period_is_configurable_per_community() -> None:
    event = publish(adopted(uuid4()), now=PUBLISHED, policy=DisclosurePolicy(timedelta(days=10)))
    assert event.ends_at - event.published_at == timedelta(days=10)


@pytest.mark.parametrize("days", [0, 91])
def test_an_unreasonable_period_is_refused(days: int) -> None:
    with pytest.raises(PublicationRefused) as refused:
        DisclosurePolicy(timedelta(days=days))
    assert_explained(refused.value, "invalid_period")


def test_publishing_before_adoption_is_refused() -> None:
    with pytest.raises(PublicationRefused) as refused:
        publish(adopted(uuid4()), now=NOW - timedelta(seconds=1))
    assert_explained(refused.value, "published_before_adoption")


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(PublicationRefused) as refused:
        publish(adopted(uuid4()), now=datetime(2026, 12, 1, 9))
    assert_explained(refused.value, "naive_time")


def test_a_resident_objects_anonymously_and_the_text_is_trimmed() -> None:
    d = raised(disclosure(), f"  {OBJECTION}  ")
    assert [o.text for o in d.objections] == [OBJECTION] and d.pending_objections == d.objections


@pytest.mark.parametrize(
    "text, error",
    [
        ("太吵", "text_too_short"),
        ("长" * 1001, "text_too_long"),
        ("有问题请联系我 13912345678 谢谢", "personal_data_in_objection"),
        ("我的身份证 11010519491231002X 可核实", "personal_data_in_objection"),
    ],
)
def test_objection_text_rules(text: str, error: str) -> None:
    d = disclosure()
    with pytest.raises(PublicationRefused) as refused:
        d.object(text, now=d.published_at)
    assert_explained(refused.value, error)


@given(offset=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=7) - timedelta(microseconds=1)))
def test_any_moment_within_the_period_accepts_objections(offset: timedelta) -> None:
    d = disclosure()
    now = d.published_at + offset
    assert d.accepts_objections(now)
    assert d.object(OBJECTION, now=now).raised_at == now


@given(offset=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3650)))
def test_any_moment_from_the_end_of_the_period_refuses_objections(offset: timedelta) -> None:
    d = disclosure()
    now = d.ends_at + offset
    assert not d.accepts_objections(now)
    with pytest.raises(PublicationRefused) as refused:
        d.object(OBJECTION, now=now)
    assert_explained(refused.value, "disclosure_period_over")
    assert d.ends_at.strftime("%Y-%m-%d") in refused.value.message_zh


@given(tz_hours=st.integers(min_value=-12, max_value=14), offset=st.timedeltas(min_value=timedelta(days=-2), max_value=timedelta(days=9)))
def test_the_period_does_not_depend_on_the_callers_timezone(tz_hours: int, offset: timedelta) -> None:
    d = disclosure()
    now = (d.published_at + offset).astimezone(timezone(timedelta(hours=tz_hours)))
    assert d.accepts_objections(now) == (timedelta(0) <= offset < timedelta(days=7))


def test_an_objection_before_publication_is_refused() -> None:
    d = disclosure()
    with pytest.raises(PublicationRefused) as refused:
        d.object(OBJECTION, now=d.published_at - timedelta(minutes=1))
    assert_explained(refused.value, "disclosure_not_started")


def test_a_substantive_objection_returns_the_topic_to_the_council_and_ends_the_disclosure() -> None:
    d = raised(disclosure())
    objection = d.objections[0]
    events = d.assess(objection.objection_id, substantive=True, reason="选址确实影响居民休息", assessed_by="worker-3", now=d.published_at + timedelta(days=2))
    assert isinstance(events[0], ObjectionAssessed) and isinstance(events[1], DisclosureReturnedToCouncil)
    for event in events:
        d = d.apply(event)
    assert d.outcome == RETURNED_TO_COUNCIL == events[1].outcome and not d.may_start_implementation
    assert not d.accepts_objections(d.published_at + timedelta(days=3))
    for attempt in (lambda: d.object(OBJECTION, now=d.published_at + timedelta(days=3)), lambda: d.conclude(now=d.ends_at)):
        with pytest.raises(PublicationRefused) as refused:
            attempt()
        assert_explained(refused.value, "disclosure_ended")
        assert "退回议事会" in refused.value.message_zh


def test_a_non_substantive_objection_lets_the_disclosure_conclude_after_the_period() -> None:
    d = raised(disclosure())
    events = d.assess(d.objections[0].objection_id, substantive=False, reason="已有隔音措施", assessed_by="worker-3", now=d.ends_at + timedelta(hours=1))
    assert len(events) == 1 and events[0].substantive is False
    d = d.apply(events[0])
    concluded = d.conclude(now=d.ends_at + timedelta(hours=2))
    assert isinstance(concluded, DisclosureConcluded) and concluded.outcome == CLEARED_FOR_IMPLEMENTATION
    d = d.apply(concluded)
    assert d.may_start_implementation and d.ended_at == concluded.concluded_at
    with pytest.raises(PublicationRefused) as refused:
        d.conclude(now=d.ends_at + timedelta(days=1))
    assert_explained(refused.value, "disclosure_ended")


@given(offset=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=7) - timedelta(microseconds=1)))
def test_the_disclosure_cannot_conclude_while_the_period_runs(offset: timedelta) -> None:
    d = disclosure()
    with pytest.raises(PublicationRefused) as refused:
        d.conclude(now=d.published_at + offset)
    assert_explained(refused.value, "disclosure_period_running")


def test_the_disclosure_cannot_conclude_with_unassessed_objections() -> None:
    d = raised(disclosure())
    with pytest.raises(PublicationRefused) as refused:
        d.conclude(now=d.ends_at)
    assert_explained(refused.value, "objections_pending")


@pytest.mark.parametrize(
    "change, error",
    [
        ({"objection_id": "unknown"}, "unknown_objection"),
        ({"reason": " "}, "text_too_short"),
        ({"assessed_by": " "}, "assessor_required"),
    ],
)
def test_assessment_refusals(change: dict, error: str) -> None:
    d = raised(disclosure())
    args = {"objection_id": d.objections[0].objection_id, "substantive": False, "reason": "不影响实施", "assessed_by": "worker-3"}
    args.update(change)
    if args["objection_id"] == "unknown":
        args["objection_id"] = uuid4()
    with pytest.raises(PublicationRefused) as refused:
        d.assess(args.pop("objection_id"), now=d.ends_at, **args)
    assert_explained(refused.value, error)


def test_an_objection_is_assessed_once() -> None:
    d = raised(disclosure())
    oid = d.objections[0].objection_id
    d = d.apply(d.assess(oid, substantive=False, reason="不影响实施", assessed_by="worker-3", now=d.ends_at)[0])
    with pytest.raises(PublicationRefused) as refused:
        d.assess(oid, substantive=True, reason="重新考虑", assessed_by="worker-4", now=d.ends_at)
    assert_explained(refused.value, "objection_already_assessed")


def test_replay_equals_applying_one_by_one() -> None:
    d = raised(raised(disclosure()))
    assert Disclosure.fold(d.events) == d and len(d.objections) == 2


def test_replay_must_start_with_the_publication() -> None:
    with pytest.raises(ValueError):
        Disclosure.fold([DisclosureConcluded(uuid4(), datetime(2026, 12, 1, tzinfo=UTC))])


def test_an_empty_stream_is_no_disclosure_and_public_copies_are_skipped() -> None:
    d = raised(disclosure())
    copy = DisclosureStarted(topic_id=d.topic_id, community_id=d.community_id, resolution_id=d.resolution_id,
                             published_at=d.published_at, ends_at=d.ends_at)
    assert Disclosure.fold([]) is None
    assert Disclosure.fold([d.events[0], copy, *d.events[1:]]) == d


def test_the_duty_concludes_only_a_due_disclosure_without_pending_objections() -> None:
    d = disclosure()
    assert d.conclude_when_due(now=d.ends_at - timedelta(seconds=1)) == []
    assert raised(d).conclude_when_due(now=d.ends_at) == []
    (concluded,) = d.conclude_when_due(now=d.ends_at)
    assert isinstance(concluded, DisclosureConcluded)
    assert d.apply(concluded).conclude_when_due(now=d.ends_at + timedelta(days=1)) == []
