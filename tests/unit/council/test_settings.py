"""Settings per division, pure: inheritance district → street → community over the city's
defaults (examples and hypothesis), and a division's own settings over time."""

from datetime import timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from yishi_contracts import CommunitySettingsChanged, DivisionLevel

from services.council.domain.divisions import Division
from services.council.domain.settings import (
    CITY_DEFAULTS,
    CommunitySettings,
    Inherited,
    Settings,
    effective_settings,
    lineage,
)
from services.kit.errors import status_of
from services.kit.refusal import Refusal

from .builders import NOW

DISTRICT, STREET, COMMUNITY = "330102000000", "330102001000", "330102001051"
OTHER_STREET, OTHER_COMMUNITY = "330102003000", "330102003001"
community = Division(COMMUNITY, DivisionLevel.community, "清波门社区", STREET)


def refused(call, status: int, error: str) -> Refusal:
    with pytest.raises(Refusal) as caught:
        call()
    assert (status_of(caught.value), caught.value.error) == (status, error)
    return caught.value


def test_the_lineage_runs_from_the_district_down_to_the_code() -> None:
    assert lineage(COMMUNITY) == [("district", DISTRICT), ("street", STREET), ("community", COMMUNITY)]
    assert lineage(STREET) == [("district", DISTRICT), ("street", STREET)]
    assert lineage(DISTRICT) == [("district", DISTRICT)]


def test_the_city_defaults_apply_where_no_one_set_anything() -> None:
    effective = effective_settings(COMMUNITY, {}, CITY_DEFAULTS)
    assert effective.values() == Settings(7, Fraction(2, 3), Fraction(1, 2), 0)
    assert {effective.disclosure_days.source, effective.quorum.source} == {"city"} and effective.quorum.code is None


def test_each_value_comes_from_the_nearest_division_that_set_it() -> None:
    own = {
        DISTRICT: Settings(disclosure_days=10, quorum=Fraction(3, 4)),
        STREET: Settings(disclosure_days=6, overdue_grace_days=3),
        COMMUNITY: Settings(disclosure_days=5),
        OTHER_STREET: Settings(adoption=Fraction(2, 3)),
    }
    effective = effective_settings(COMMUNITY, own, CITY_DEFAULTS)
    assert effective.values() == Settings(5, Fraction(3, 4), Fraction(1, 2), 3)
    assert [(v.source, v.code) for v in (effective.disclosure_days, effective.quorum, effective.adoption,
                                         effective.overdue_grace_days)] == [
        ("community", COMMUNITY), ("district", DISTRICT), ("city", None), ("street", STREET)]
    assert effective_settings(STREET, own, CITY_DEFAULTS).disclosure_days.value == 6
    assert effective_settings(DISTRICT, own, CITY_DEFAULTS).disclosure_days.value == 10
    assert effective_settings(OTHER_COMMUNITY, own, CITY_DEFAULTS).adoption.value == Fraction(2, 3)


def test_the_city_defaults_must_be_complete() -> None:
    with pytest.raises(ValueError, match="quorum"):
        effective_settings(COMMUNITY, {}, Settings(7, None, Fraction(1, 2), 0))


DAYS = st.none() | st.integers(1, 90)
SHARES = st.none() | st.fractions(min_value=Fraction(1, 12), max_value=1, max_denominator=12)
OWN = st.builds(Settings, DAYS, SHARES, SHARES, st.none() | st.integers(0, 90))
CODES = [DISTRICT, STREET, COMMUNITY, "330105000000", OTHER_STREET, OTHER_COMMUNITY]


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(CODES), OWN), st.sampled_from([DISTRICT, STREET, COMMUNITY, OTHER_COMMUNITY]))
def test_inheritance_is_the_most_specific_value_set_along_the_lineage(own: dict, code: str) -> None:
    effective = effective_settings(code, own, CITY_DEFAULTS)
    chain = [ancestor for _, ancestor in lineage(code)]
    for name in Settings.names():
        setters = [a for a in chain if a in own and getattr(own[a], name) is not None]
        item = getattr(effective, name)
        if setters:
            assert (item.value, item.code) == (getattr(own[setters[-1]], name), setters[-1])
        else:
            assert (item.value, item.source, item.code) == (getattr(CITY_DEFAULTS, name), "city", None)
    unrelated = {c: s for c, s in own.items() if c in chain}
    assert effective_settings(code, unrelated, CITY_DEFAULTS) == effective, "divisions outside the lineage do not count"


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from([DISTRICT, STREET, COMMUNITY]), OWN), OWN)
def test_a_community_setting_a_value_always_wins_and_unsetting_it_inherits_again(own: dict, mine: Settings) -> None:
    with_mine = effective_settings(COMMUNITY, {**own, COMMUNITY: mine}, CITY_DEFAULTS)
    without = effective_settings(COMMUNITY, {c: s for c, s in own.items() if c != COMMUNITY}, CITY_DEFAULTS)
    for name in Settings.names():
        value = getattr(mine, name)
        expected = getattr(without, name) if value is None else Inherited(value, "community", COMMUNITY)
        assert getattr(with_mine, name) == expected


def _changed(event: object) -> CommunitySettingsChanged:
    assert isinstance(event, CommunitySettingsChanged)
    return event


def test_a_change_records_all_four_own_values_from_now_on() -> None:
    history = CommunitySettings.fold(COMMUNITY, [])
    assert history.as_of(NOW) == Settings() and history.upcoming(NOW) == []
    [event] = history.change(community, Settings(disclosure_days=5, quorum=Fraction(4, 6)), effective_from=None,
                             now=NOW, by="party-1")
    e = _changed(event)
    assert (e.code, e.community_id, e.level, e.disclosure_days, e.quorum, e.adoption, e.overdue_grace_days) == (
        COMMUNITY, COMMUNITY, "community", 5, "2/3", None, None)
    assert e.effective_from == NOW and e.changed_by == "party-1"
    history = history.apply(e)
    assert history.as_of(NOW) == Settings(disclosure_days=5, quorum=Fraction(2, 3))
    assert history.as_of(NOW - timedelta(seconds=1)) == Settings(), "nothing applied before it"
    assert history.change(community, Settings(5, Fraction(2, 3)), effective_from=None, now=NOW, by="p") == [], \
        "the same settings again change nothing"


def test_a_change_may_start_later_but_never_earlier_than_now() -> None:
    history = CommunitySettings.fold(COMMUNITY, [])
    later = NOW + timedelta(days=30)
    [event] = history.change(community, Settings(disclosure_days=10), effective_from=later, now=NOW, by="s")
    history = history.apply(event)
    assert history.as_of(NOW) == Settings() and history.as_of(later) == Settings(disclosure_days=10)
    assert [s.effective_from for s in history.upcoming(NOW)] == [later]
    [again] = history.change(community, Settings(), effective_from=None, now=NOW, by="s")
    history = history.apply(again)
    assert history.as_of(later) == Settings(disclosure_days=10), "the scheduled change still comes"
    refused(lambda: history.change(community, Settings(disclosure_days=6), effective_from=NOW - timedelta(minutes=1),
                                   now=NOW, by="s"), 422, "not_retroactive")


def test_ties_at_the_same_start_go_to_the_later_change() -> None:
    history = CommunitySettings.fold(COMMUNITY, [])
    for days in (5, 6):
        [event] = history.change(community, Settings(disclosure_days=days), effective_from=NOW, now=NOW, by="s")
        history = history.apply(event)
    assert history.as_of(NOW).disclosure_days == 6


@pytest.mark.parametrize("wanted, setting", [
    (Settings(disclosure_days=0), "disclosure_days"), (Settings(disclosure_days=91), "disclosure_days"),
    (Settings(overdue_grace_days=-1), "overdue_grace_days"), (Settings(quorum=Fraction(0)), "quorum"),
    (Settings(quorum=Fraction(5, 4)), "quorum"), (Settings(adoption=Fraction(1)), "adoption"),
    (Settings(adoption=Fraction(1, 10007)), "adoption"),
])
def test_values_out_of_range_are_refused(wanted: Settings, setting: str) -> None:
    refusal = refused(lambda: CommunitySettings(COMMUNITY).change(community, wanted, effective_from=None, now=NOW,
                                                                   by="s"), 422, "setting_out_of_range")
    assert refusal.extra["setting"] == setting


def test_a_retired_division_sets_nothing() -> None:
    gone = Division(COMMUNITY, DivisionLevel.community, "清波门社区", STREET, active=False)
    refused(lambda: CommunitySettings(COMMUNITY).change(gone, Settings(disclosure_days=5), effective_from=None,
                                                        now=NOW, by="s"), 409, "division_retired")
