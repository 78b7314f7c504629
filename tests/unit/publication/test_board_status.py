"""The board's status is the step that happened last, whatever order the steps were written in."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from services.publication.adapters.board import STATUS_ZH, STEPS, status_of
from services.publication.domain import PublicationRefused
from services.publication.service_layer.common import PublicationConfig, refusal

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def at(days: int) -> datetime:
    return T0 + timedelta(days=days)


def test_a_topic_goes_through_its_whole_life() -> None:
    row: dict = {"submitted_at": at(0)}
    assert status_of(row) == "submitted"
    row.update(screened_at=at(1), screening_outcome="accepted")
    assert status_of(row) == "accepted"
    for column, status, day in [
        ("researched_at", "researched", 2), ("scheduled_at", "scheduled", 3), ("resolved_at", "resolved", 4),
        ("disclosed_at", "in_disclosure", 4), ("implementation_started_at", "implementing", 11),
        ("implemented_at", "implemented", 20), ("reopened_at", "reopened", 25), ("closed_at", "closed", 40),
    ]:
        row[column] = at(day)
        assert status_of(row) == status, column


def test_reopening_shows_until_the_new_round_is_done() -> None:
    row = {"submitted_at": at(0), "implementation_started_at": at(25), "implemented_at": at(20), "reopened_at": at(25)}
    assert status_of(row) == "reopened"


def test_a_screening_alone_shows_its_outcome_and_research_reopened_names_its_cause() -> None:
    assert status_of({"screened_at": at(1), "screening_outcome": "rejected"}) == "rejected"
    row = {"submitted_at": at(0), "researched_at": at(2), "research_reopened_at": at(5)}
    assert status_of({**row, "research_reopen_cause": "deferred_by_meeting"}) == "deferred"
    assert status_of({**row, "research_reopen_cause": "objection_upheld"}) == "returned_to_council"


@given(st.lists(st.one_of(st.none(), st.integers(0, 5)), min_size=len(STEPS), max_size=len(STEPS)))
def test_the_status_is_the_step_with_the_latest_time_ties_going_to_the_later_step(days: list[int | None]) -> None:
    row = {column: at(day) for (_, column), day in zip(STEPS, days) if day is not None}
    row.update(screening_outcome="accepted", research_reopen_cause="deferred_by_meeting")
    dated = [(day, rank) for rank, day in enumerate(days) if day is not None]
    if not dated:
        assert status_of(row) == "submitted"
        return
    expected = STEPS[max(dated)[1]][0]
    expected = {"screened": "accepted", "research_reopened": "deferred"}.get(expected, expected)
    assert status_of(row) == expected and expected in STATUS_ZH


def test_every_status_has_a_chinese_label() -> None:
    statuses = {"submitted", "returned", "accepted", "rejected", "merged", "researched", "scheduled", "resolved",
                "in_disclosure", "returned_to_council", "implementing", "implemented", "closed", "reopened",
                "deferred", "dropped", "escalated"}
    assert statuses == set(STATUS_ZH)


def test_a_resident_key_is_a_salted_hash_never_the_phone() -> None:
    config = PublicationConfig(resident_salt="s1")
    key = config.resident_key(" 13800138000 ")
    assert key == config.resident_key("13800138000") and "13800138000" not in key and len(key) == 64
    assert key != PublicationConfig(resident_salt="s2").resident_key("13800138000")


def test_domain_refusals_become_409_422_or_404_with_both_messages() -> None:
    for error, status in [("disclosure_period_over", 409), ("text_too_short", 422), ("unknown_task", 404)]:
        mapped = refusal(PublicationRefused(error, "中文说明", "english"))
        assert (mapped.status, mapped.error, mapped.message_zh, mapped.message_en) == (status, error, "中文说明", "english")
