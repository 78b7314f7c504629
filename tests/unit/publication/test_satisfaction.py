"""Satisfaction (满意度): the closing rule over any list of ratings."""

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from yishi_contracts import Measure, Satisfaction

from services.publication.domain import ClosingRule, PublicationRefused, Verdict

from .helpers import completed, implementation

RATINGS = st.lists(st.sampled_from(list(Satisfaction)), max_size=30)


@given(RATINGS)
def test_the_default_rule_closes_unless_more_than_a_third_are_dissatisfied(ratings: list[Satisfaction]) -> None:
    dissatisfied = ratings.count(Satisfaction.dissatisfied)
    verdict = ClosingRule().verdict(ratings)
    if not ratings:
        assert verdict is Verdict.await_ratings
    elif 3 * dissatisfied > len(ratings):
        assert verdict is Verdict.reopen
    else:
        assert verdict is Verdict.close


@given(ratings=st.lists(st.sampled_from(list(Satisfaction)), min_size=1, max_size=15))
def test_exactly_one_of_close_and_reopen_is_allowed(ratings: list[Satisfaction]) -> None:
    start = implementation()
    impl = completed(start, start.published_at + timedelta(days=10))
    now = impl.completed_at + timedelta(days=1)
    for i, rating in enumerate(ratings):
        impl = impl.apply(impl.rate(f"resident-{i}", rating, now=now))
    outcomes = {}
    for name, attempt in {
        "close": lambda: impl.close(now=now),
        "reopen": lambda: impl.reopen([Measure(description="补建饮水点", responsible_party="街道城管科", deadline=date(2099, 1, 1))], "群众不满意", now=now),
    }.items():
        try:
            attempt()
            outcomes[name] = True
        except PublicationRefused as refused:
            assert refused.message_zh and refused.message_en
            outcomes[name] = False
    assert outcomes["close"] != outcomes["reopen"]
    assert outcomes["reopen"] == (Fraction(ratings.count(Satisfaction.dissatisfied), len(ratings)) > Fraction(1, 3))


def test_a_community_can_demand_more_ratings_and_less_dissatisfaction() -> None:
    rule = ClosingRule(min_ratings=3, max_dissatisfied_share=Fraction(1, 5))
    assert rule.verdict([Satisfaction.satisfied] * 2) is Verdict.await_ratings
    assert rule.verdict([Satisfaction.satisfied] * 4 + [Satisfaction.dissatisfied]) is Verdict.close
    assert rule.verdict([Satisfaction.satisfied] * 3 + [Satisfaction.dissatisfied]) is Verdict.reopen


@pytest.mark.parametrize("args", [{"min_ratings": 0}, {"max_dissatisfied_share": Fraction(1)}, {"max_dissatisfied_share": Fraction(-1, 2)}])
def test_a_nonsensical_rule_is_rejected(args: dict) -> None:
    with pytest.raises(ValueError):
        ClosingRule(**args)
