"""The ledger's rules: periods in China time, divisions by code prefix, who may read, and fact
rows that come out the same whatever order their events arrive in."""

import random
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.kit.refusal import Refusal
from services.publication.ledger.facts import TABLES, facts_of, fold, meet
from services.publication.ledger.figures import HEADERS_ZH, with_shares
from services.publication.ledger.queries import zero
from services.publication.ledger.rules import Division, Level, Period
from tests.support.ledger_history import history


def test_an_event_late_on_new_years_eve_utc_belongs_to_january_in_china() -> None:
    at = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    assert Period.parse("2027-01").contains(at)
    assert Period.parse("2027").contains(at) and Period.parse("2027-Q1").contains(at)
    assert not Period.parse("2026-12").contains(at) and not Period.parse("2026").contains(at)


def test_a_period_is_half_open_at_china_midnight() -> None:
    q3 = Period.parse("2026-Q3")
    assert q3.start == datetime(2026, 6, 30, 16, 0, tzinfo=UTC)
    assert q3.end == datetime(2026, 9, 30, 16, 0, tzinfo=UTC)
    assert q3.contains(q3.start) and not q3.contains(q3.end)
    assert Period.parse("2026-12").end == datetime(2026, 12, 31, 16, 0, tzinfo=UTC)
    assert (Period.parse("2026").label_zh, q3.label_zh, Period.parse("2026-11").label_zh) == (
        "2026年", "2026年第3季度", "2026年11月")


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "26", "2026-1", "last year", "1999", "2026-Q3 "[:-1] + "x"])
def test_a_malformed_period_is_refused_as_invalid(text: str) -> None:
    with pytest.raises(Refusal) as refused:
        Period.parse(text)
    assert refused.value.error == "invalid_period" and refused.value.kind.value == "invalid"


def test_stock_figures_are_taken_at_the_period_end_or_now() -> None:
    now = datetime(2026, 11, 15, tzinfo=UTC)
    assert Period.parse("2026").as_of(now) == now
    assert Period.parse("2025").as_of(now) == Period.parse("2025").end


def test_a_division_code_says_its_level_and_prefix() -> None:
    assert Division.parse("330102000000") == Division("330102000000", Level.district, "330102")
    assert Division.parse("330102001000") == Division("330102001000", Level.street, "330102001")
    assert Division.parse("330102001051") == Division("330102001051", Level.community, "330102001051")
    assert Division.parse("330100000000").level is Level.city
    with pytest.raises(Refusal):
        Division.parse("3301020010")


def test_offices_read_within_their_scope_and_councils_only_their_community() -> None:
    street = Division.parse("330102001000")
    assert street.for_reader("330102001", office=True, community_role=False) == street
    assert street.for_reader("330102", office=True, community_role=False) == street
    assert Division.parse("city").for_reader("3301", office=True, community_role=False).prefix == "3301"
    own = Division.parse("330102001051")
    assert own.for_reader("330102001051", office=False, community_role=True) == own
    for scope, office, council in (("330102002", True, False), ("330102001051", False, True),
                                   ("330102001", False, True), ("330102", True, False)):
        target = street if council else Division.parse("330105000000")
        with pytest.raises(Refusal) as refused:
            target.for_reader(scope, office=office, community_role=council)
        assert refused.value.kind.value == "not_yours"
    with pytest.raises(Refusal):
        Division.parse("city").for_reader("330102", office=True, community_role=False)


def test_shares_follow_their_figures_and_are_none_without_a_whole() -> None:
    figures = with_shares({**zero(), "decided_at_meeting": 4, "researched_before_meeting": 3, "satisfied": 2,
                           "dissatisfied": 2})
    assert list(figures) == list(HEADERS_ZH)
    assert (figures["research_share"], figures["satisfaction_rate"], figures["on_time_rate"]) == (75.0, 50.0, None)


def _rows(events: list[object]) -> dict[tuple[str, object], dict[str, object]]:
    return {(table, row[TABLES[table][0]]): row for table, row in fold(f for e in events for f in facts_of(e))}


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_fact_rows_are_the_same_in_any_arrival_order(seed: int) -> None:
    rng = random.Random(seed)
    events = history(rng, topics=6)
    shuffled = events[:]
    rng.shuffle(shuffled)
    assert _rows(shuffled) == _rows(events)


def test_a_with_column_follows_its_pair_not_the_arrival() -> None:
    rules = {"rated_at": "latest", "satisfied": "with rated_at"}
    early, late = {"rated_at": 1, "satisfied": 5}, {"rated_at": 2, "satisfied": 1}
    assert meet(meet({}, late, rules), early, rules) == meet(meet({}, early, rules), late, rules) == late
