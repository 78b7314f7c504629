"""不调研不协商 as one rule: ``AgendaCandidate.researched``, from the steps of a topic's life
in any arrival order, and the lifecycle's status of an agenda candidate."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st
from yishi_contracts.lifecycle import Status

from services.meeting.domain import AgendaCandidate
from services.meeting.domain.agenda import STEPS

T0 = datetime(2026, 11, 1, 9, tzinfo=UTC)
TOPIC = UUID(int=10)
S = Status


def at(hours: int) -> datetime:
    return T0 + timedelta(hours=hours)


def candidate(*steps: tuple[Status, int]) -> AgendaCandidate:
    topic = AgendaCandidate(TOPIC, "330102001001")
    for status, hours in steps:
        topic = topic.seen(status, at(hours))
    return topic


def test_a_topic_without_completed_research_is_not_researched() -> None:
    topic = candidate()
    assert not topic.researched and not topic.decided and topic.status is None


def test_a_completed_research_makes_the_topic_researched() -> None:
    topic = candidate((S.researched, 1))
    assert topic.researched and topic.status is S.researched and topic.researched_at == at(1)


@pytest.mark.parametrize("undoing", [S.researching, S.deferred])
def test_a_later_reopening_or_deferral_undoes_the_research_until_it_is_completed_again(undoing: Status) -> None:
    reopened = candidate((S.researched, 1), (undoing, 2))
    assert not reopened.researched and reopened.status is undoing
    again = reopened.seen(S.researched, at(3))
    assert again.researched and again.status is S.researched


def test_a_reopening_that_arrives_before_the_research_it_follows_still_counts() -> None:
    assert candidate((S.researching, 2), (S.researched, 1)) == candidate((S.researched, 1), (S.researching, 2))
    assert not candidate((S.researching, 2), (S.researched, 1)).researched


def test_an_older_reopening_arriving_late_does_not_undo_a_newer_research() -> None:
    topic = candidate((S.researched, 3), (S.researching, 2))
    assert topic.researched


def test_a_reopening_at_the_same_instant_undoes_the_research() -> None:
    assert not candidate((S.researched, 1), (S.researching, 1)).researched


def test_being_put_on_an_agenda_keeps_the_research_and_shows_as_scheduled() -> None:
    topic = candidate((S.researched, 1), (S.scheduled, 2))
    assert topic.researched and topic.status is S.scheduled


def test_being_on_an_agenda_is_no_research() -> None:
    assert not candidate((S.scheduled, 2)).researched
    assert not candidate((S.researched, 1), (S.researching, 2), (S.scheduled, 3)).researched


@pytest.mark.parametrize("outcome", [S.resolved, S.dropped])
def test_a_resolution_or_dropping_decides_the_topic(outcome: Status) -> None:
    topic = candidate((S.researched, 1), (S.scheduled, 2), (outcome, 3))
    assert topic.decided and not topic.researched and topic.status is outcome
    assert candidate((S.researched, 1), (outcome, 1)).decided  # the same instant: decided
    researched_again = topic.seen(S.researched, at(4))
    assert researched_again.researched and not researched_again.decided


def test_each_step_keeps_its_latest_time_and_only_the_steps_a_meeting_sees() -> None:
    topic = candidate((S.researched, 3), (S.researched, 1))
    assert topic.researched_at == at(3)
    with pytest.raises(ValueError):
        candidate((S.implementing, 1))


steps = st.lists(st.tuples(st.sampled_from(STEPS), st.integers(min_value=0, max_value=6)), max_size=8)


@given(steps, st.randoms())
def test_the_arrival_order_never_matters(seen: list[tuple[Status, int]], random) -> None:
    shuffled = list(seen)
    random.shuffle(shuffled)
    assert candidate(*seen) == candidate(*shuffled)


@given(steps)
def test_researched_means_a_research_later_than_anything_that_undoes_it(seen: list[tuple[Status, int]]) -> None:
    latest = {status: max(h for s, h in seen if s is status) for status, _ in seen}
    undone = [hours for status, hours in latest.items() if status not in (S.researched, S.scheduled)]
    expected = S.researched in latest and all(hours < latest[S.researched] for hours in undone)
    assert candidate(*seen).researched is expected
