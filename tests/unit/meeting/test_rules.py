"""MeetingRules: quorum and adoption as exact fractions (议事规则)."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from yishi_contracts import Tally

from services.meeting.domain import MeetingRules

DEFAULT = MeetingRules()

totals = st.integers(min_value=0, max_value=200)
fractions_in_0_1 = st.builds(
    Fraction, st.integers(min_value=1, max_value=50), st.integers(min_value=1, max_value=50)
).filter(lambda f: f <= 1)


@st.composite
def present_of_total(draw):
    total = draw(totals)
    return draw(st.integers(min_value=0, max_value=total)), total


@st.composite
def tally_and_present(draw):
    in_favour, against, abstain = (draw(st.integers(min_value=0, max_value=60)) for _ in range(3))
    extra = draw(st.integers(min_value=0, max_value=30))
    return Tally(in_favour=in_favour, against=against, abstain=abstain), in_favour + against + abstain + extra


def test_defaults_are_two_thirds_and_more_than_half() -> None:
    assert DEFAULT.quorum == Fraction(2, 3) and DEFAULT.adoption == Fraction(1, 2)
    assert DEFAULT.abstentions_count_as_present


@pytest.mark.parametrize(
    ("present", "total", "met"),
    [(6, 9, True), (5, 9, False), (5, 7, True), (4, 7, False), (2, 3, True), (0, 0, False), (7, 7, True)],
)
def test_default_quorum_is_two_thirds_of_the_fixed_members(present: int, total: int, met: bool) -> None:
    assert DEFAULT.quorum_met(present, total) is met


@pytest.mark.parametrize(
    ("in_favour", "against", "abstain", "present", "adopted"),
    [(4, 3, 0, 7, True), (3, 3, 1, 7, False), (4, 0, 4, 8, False), (5, 0, 3, 8, True), (0, 0, 0, 0, False)],
)
def test_default_adoption_is_more_than_half_of_the_voting_members_present(
    in_favour: int, against: int, abstain: int, present: int, adopted: bool
) -> None:
    assert DEFAULT.adopted(Tally(in_favour=in_favour, against=against, abstain=abstain), present) is adopted


def test_abstaining_does_not_lower_the_bar_by_default_but_can_be_configured_to() -> None:
    tally = Tally(in_favour=3, against=2, abstain=3)
    assert not DEFAULT.adopted(tally, 8)
    assert MeetingRules(abstentions_count_as_present=False).adopted(tally, 8)


def test_a_present_member_who_does_not_vote_still_counts_by_default() -> None:
    assert not DEFAULT.adopted(Tally(in_favour=4, against=0, abstain=0), 8)


@pytest.mark.parametrize("value", [0.5, "1/2", True, None])
def test_thresholds_must_be_exact_fractions(value: object) -> None:
    with pytest.raises(TypeError):
        MeetingRules(quorum=value)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        MeetingRules(adoption=value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "over", [{"quorum": Fraction(0)}, {"quorum": Fraction(4, 3)}, {"adoption": Fraction(1)}, {"adoption": Fraction(-1, 2)}]
)
def test_thresholds_out_of_range_are_refused(over: dict) -> None:
    with pytest.raises(ValueError):
        MeetingRules(**over)


def test_integers_are_accepted_as_exact() -> None:
    assert MeetingRules(quorum=1).quorum == Fraction(1)


@pytest.mark.parametrize(("present", "total"), [(-1, 5), (6, 5), (0, -1)])
def test_impossible_attendance_is_an_error(present: int, total: int) -> None:
    with pytest.raises(ValueError):
        DEFAULT.quorum_met(present, total)


def test_more_votes_than_voting_members_present_is_an_error() -> None:
    with pytest.raises(ValueError):
        DEFAULT.adopted(Tally(in_favour=3, against=3, abstain=0), 5)


@given(present_of_total())
def test_default_quorum_matches_the_integer_formulation(case: tuple[int, int]) -> None:
    present, total = case
    assert DEFAULT.quorum_met(present, total) is (total > 0 and present * 3 >= total * 2)


@given(present_of_total(), fractions_in_0_1)
def test_configurable_quorum_matches_the_integer_formulation(case: tuple[int, int], quorum: Fraction) -> None:
    present, total = case
    rules = MeetingRules(quorum=quorum)
    expected = total > 0 and present * quorum.denominator >= quorum.numerator * total
    assert rules.quorum_met(present, total) is expected


@given(present_of_total())
def test_half_and_three_quarters_quorum(case: tuple[int, int]) -> None:
    present, total = case
    assert MeetingRules(quorum=Fraction(1, 2)).quorum_met(present, total) is (total > 0 and 2 * present >= total)
    assert MeetingRules(quorum=Fraction(3, 4)).quorum_met(present, total) is (total > 0 and 4 * present >= 3 * total)


@given(present_of_total(), fractions_in_0_1)
def test_one_more_present_never_breaks_quorum(case: tuple[int, int], quorum: Fraction) -> None:
    present, total = case
    rules = MeetingRules(quorum=quorum)
    if present < total and rules.quorum_met(present, total):
        assert rules.quorum_met(present + 1, total)


@given(totals.filter(lambda t: t > 0), fractions_in_0_1)
def test_everyone_present_always_makes_quorum(total: int, quorum: Fraction) -> None:
    assert MeetingRules(quorum=quorum).quorum_met(total, total)


@given(tally_and_present())
def test_default_adoption_matches_the_integer_formulation(case: tuple[Tally, int]) -> None:
    tally, present = case
    assert DEFAULT.adopted(tally, present) is (tally.in_favour * 2 > present)


@given(tally_and_present())
def test_adoption_without_abstentions_in_the_base(case: tuple[Tally, int]) -> None:
    tally, present = case
    rules = MeetingRules(abstentions_count_as_present=False)
    assert rules.adopted(tally, present) is (tally.in_favour > tally.against)


@given(tally_and_present())
def test_three_quarters_majority(case: tuple[Tally, int]) -> None:
    tally, present = case
    assert MeetingRules(adoption=Fraction(3, 4)).adopted(tally, present) is (4 * tally.in_favour > 3 * present)


@given(tally_and_present())
def test_turning_a_vote_against_into_one_in_favour_never_loses_adoption(case: tuple[Tally, int]) -> None:
    tally, present = case
    if tally.against and DEFAULT.adopted(tally, present):
        switched = Tally(in_favour=tally.in_favour + 1, against=tally.against - 1, abstain=tally.abstain)
        assert DEFAULT.adopted(switched, present)
