"""The board's status is the lifecycle's: the step that happened last, whatever order the steps
were written in; its label is the lifecycle's too."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from yishi_contracts.lifecycle import STATUSES, Status, procedure_rank

from services.kit.errors import status_of as http_status
from services.publication.adapters.views import STEP_COLUMNS, board_status
from services.publication.domain import PublicationRefused, not_found
from services.publication.service_layer.config import PublicationConfig
from services.publication.service_layer.detail import entry

from .helpers import disclosure, implementation

T0 = datetime(2026, 11, 1, tzinfo=UTC)
COLUMNS = [*STEP_COLUMNS, "screened_at"]


def at(days: int) -> datetime:
    return T0 + timedelta(days=days)


def test_a_topic_goes_through_its_whole_life() -> None:
    row: dict = {"submitted_at": at(0)}
    assert board_status(row) == "submitted"
    row.update(screened_at=at(1), screening_outcome="accepted")
    assert board_status(row) == "accepted"
    for column, status, day in [
        ("researched_at", "researched", 2), ("scheduled_at", "scheduled", 3), ("resolved_at", "resolved", 4),
        ("disclosed_at", "in_disclosure", 4), ("implementation_started_at", "implementing", 11),
        ("implemented_at", "implemented", 20), ("reopened_at", "reopened", 25), ("closed_at", "closed", 40),
    ]:
        row[column] = at(day)
        assert board_status(row) == status, column


def test_reopening_shows_until_the_new_round_is_done() -> None:
    row = {"submitted_at": at(0), "implementation_started_at": at(25), "implemented_at": at(20), "reopened_at": at(25)}
    assert board_status(row) == "reopened"


def test_a_screening_alone_shows_its_outcome_and_reopened_research_shows_researching() -> None:
    assert board_status({"screened_at": at(1), "screening_outcome": "rejected"}) == "rejected"
    row = {"submitted_at": at(0), "researched_at": at(2), "research_reopened_at": at(5)}
    # The lifecycle marks ResearchReopened as `researching` whatever its cause (a deferral or an upheld objection).
    for cause in ("deferred_by_meeting", "objection_upheld"):
        assert board_status({**row, "research_reopen_cause": cause}) == "researching"
    assert board_status({**row, "deferred_at": at(4)}) == "researching"
    assert board_status({**row, "returned_to_council_at": at(4)}) == "researching"
    assert board_status({**row, "returned_to_council_at": at(5)}) == "returned_to_council", "a tie goes to the later step"
    assert board_status({"submitted_at": at(0), "resubmitted_at": at(1)}) == "resubmitted"


@given(st.lists(st.one_of(st.none(), st.integers(0, 5)), min_size=len(COLUMNS), max_size=len(COLUMNS)))
def test_the_status_is_the_step_with_the_latest_time_ties_going_to_the_later_step(days: list[int | None]) -> None:
    row = {column: at(day) for column, day in zip(COLUMNS, days) if day is not None}
    row.update(screening_outcome="accepted")
    marks = {**STEP_COLUMNS, "screened_at": Status.accepted}
    dated = [(day, procedure_rank(marks[column])) for column, day in zip(COLUMNS, days) if day is not None]
    if not dated:
        assert board_status(row) == "submitted"
        return
    expected = next(s for s in Status if procedure_rank(s) == max(dated)[1])
    assert board_status(row) == expected


def test_every_status_the_board_shows_is_labelled_by_the_lifecycle() -> None:
    shown = set(STEP_COLUMNS.values()) | {Status.returned, Status.rejected, Status.merged, Status.accepted}
    assert shown <= set(STATUSES)
    row = {"topic_id": "t", "community_id": "330102001001", "status": Status.in_disclosure}
    assert entry(row)["status_zh"] == STATUSES[Status.in_disclosure].label_zh == "公示中，可提出异议"


def test_a_resident_key_is_a_salted_hash_never_the_receipt_code() -> None:
    config = PublicationConfig(resident_salt="s1")
    key = config.resident_key(" 7K3MQ-9XD4P ")
    assert key == config.resident_key("7K3MQ-9XD4P") and "7K3MQ" not in key and len(key) == 64
    assert key != PublicationConfig(resident_salt="s2").resident_key("7K3MQ-9XD4P")


def test_domain_refusals_say_their_kind_where_raised_and_become_409_422_or_404() -> None:
    d = disclosure()
    impl = implementation()
    refusals = {}
    for attempt in (lambda: d.object("驿站选址离居民楼太近", now=d.ends_at),
                    lambda: d.object("太吵", now=d.published_at),
                    lambda: impl.complete_task(d.resolution_id, now=d.ends_at)):
        try:
            attempt()
        except PublicationRefused as refused:
            refusals[refused.error] = http_status(refused)
    assert refusals == {"disclosure_period_over": 409, "text_too_short": 422, "unknown_task": 404}
    assert http_status(not_found("该议题", "topic")) == 404
