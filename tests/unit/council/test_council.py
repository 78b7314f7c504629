"""The 1+7+X council: chair, confirmed fixed members, terms, and when it can act."""

from datetime import date, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from yishi_contracts import CouncilCompositionChanged

from services.kit.errors import status_of
from services.council.domain.council import (
    ChairAppointed,
    Council,
    CouncilFormed,
    MemberCategory,
    MemberConfirmed,
    MemberLeft,
    MemberNominated,
    form_council,
)
from services.council.domain.refusal import CouncilRefused, local_date

from .builders import CATEGORIES, COUNCIL_ID, NOW, TERM, TODAY, empty_council, ready_council, step


INPUT_ERRORS = {"invalid_community", "name_required", "invalid_term", "reason_required", "naive_time"}


def refused(error: str, call) -> CouncilRefused:
    with pytest.raises(CouncilRefused) as caught:
        call()
    assert caught.value.error == error
    assert caught.value.message_zh.strip() and caught.value.message_en.strip()
    assert status_of(caught.value) == (422 if error in INPUT_ERRORS else 409), error
    return caught.value


def test_a_full_council_can_act() -> None:
    council = ready_council()
    assert council.readiness(TODAY).can_act
    council.ensure_can_act(TODAY)
    assert council.chair is not None and len(council.members) == 7 and all(m.confirmed for m in council.members.values())


def test_the_stream_folds_back_to_the_same_council() -> None:
    events = form_council(COUNCIL_ID, "320585100001", now=NOW)
    council = Council.fold(events)
    for decide in (
        lambda c: c.appoint_chair("c", "主席", now=NOW),
        lambda c: c.nominate("a", "甲", MemberCategory.cppcc_member, *TERM, now=NOW),
        lambda c: c.confirm("a", now=NOW),
    ):
        decided = decide(council)
        events += decided
        council = step(council, decided)
    assert Council.fold(events) == council
    assert Council.fold([]) is None
    snapshot = CouncilCompositionChanged
    assert [type(e) for e in events] == [CouncilFormed, snapshot, ChairAppointed, snapshot, MemberNominated, snapshot,
                                         MemberConfirmed, snapshot]


def test_every_change_comes_with_the_roster_serving_after_it() -> None:
    council = ready_council(CATEGORIES[:6])
    nominated, roster = council.nominate("late", "迟到", MemberCategory.health_station, *TERM, now=NOW)
    assert isinstance(nominated, MemberNominated) and isinstance(roster, CouncilCompositionChanged)
    assert len(roster.fixed_members) == 6, "a nominee is not on the roster until confirmed"
    council = step(council, [nominated, roster])
    _, roster = council.confirm("late", now=NOW)
    assert [m.member_id for m in roster.fixed_members] == ["late", *(f"m{i}" for i in range(6))]
    assert (roster.chair_id, roster.chair_name, roster.changed_at) == ("chair", "王书记", NOW)
    assert roster.council_id == COUNCIL_ID and roster.community_id == council.community_id
    _, roster = council.leave("m2", TODAY, "搬离本社区", now=NOW)
    assert "m2" not in {m.member_id for m in roster.fixed_members}
    formed, first = form_council(COUNCIL_ID, "320585100001", now=NOW)
    assert first.chair_id is None and first.fixed_members == []


def test_an_empty_council_says_everything_it_lacks() -> None:
    error = refused("council_not_ready", lambda: empty_council().ensure_can_act(TODAY))
    assert "尚未任命协商议事会主席" in error.message_zh
    assert "尚缺7名经党委确认的固定成员" in error.message_zh
    assert "至少需要1名政协委员" in error.message_zh
    assert "no chair" in error.message_en and "7 more" in error.message_en and "CPPCC" in error.message_en


def test_two_missing_members_are_counted() -> None:
    error = refused("council_not_ready", lambda: ready_council(CATEGORIES[:5]).ensure_can_act(TODAY))
    assert error.message_zh == "协商议事会尚不能履职：尚缺2名经党委确认的固定成员"


def test_seven_members_without_a_cppcc_member_cannot_act() -> None:
    council = ready_council([MemberCategory.resident_representative] * 7)
    error = refused("council_not_ready", lambda: council.ensure_can_act(TODAY))
    assert error.message_zh.endswith("至少需要1名政协委员")


def test_nominated_members_do_not_count_until_confirmed() -> None:
    council = ready_council(CATEGORIES[:6])
    council = step(council, council.nominate("late", "迟到", MemberCategory.health_station, *TERM, now=NOW))
    assert council.readiness(TODAY).members_missing == 1
    council = step(council, council.confirm("late", now=NOW))
    assert council.readiness(TODAY).can_act


def test_a_member_who_leaves_no_longer_counts_from_that_day() -> None:
    council = ready_council()
    council = step(council, council.leave("m3", TODAY, "搬离本社区", now=NOW))
    assert council.readiness(TODAY - timedelta(days=1)).can_act
    assert council.readiness(TODAY).members_missing == 1


def test_terms_decide_without_events() -> None:
    council = ready_council()
    assert not council.readiness(TERM[0] - timedelta(days=1)).can_act
    assert council.readiness(TERM[1]).can_act
    assert not council.readiness(TERM[1] + timedelta(days=1)).can_act


def test_refusals() -> None:
    council = ready_council()
    refused("invalid_community", lambda: form_council(COUNCIL_ID, "32058", now=NOW))
    refused("name_required", lambda: council.appoint_chair(" ", "王", now=NOW))
    refused("chair_is_fixed_member", lambda: council.appoint_chair("m0", "成员0", now=NOW))
    refused("chair_is_fixed_member", lambda: council.nominate("chair", "王", MemberCategory.cppcc_member, *TERM, now=NOW))
    refused("invalid_term", lambda: council.nominate("x", "新", MemberCategory.cppcc_member, TERM[1], TERM[0], now=NOW))
    refused("already_member", lambda: council.nominate("m1", "成员1", MemberCategory.cppcc_member, *TERM, now=NOW))
    refused("not_nominated", lambda: council.confirm("nobody", now=NOW))
    refused("already_confirmed", lambda: council.confirm("m1", now=NOW))
    refused("not_member", lambda: council.leave("nobody", TODAY, "原因", now=NOW))
    refused("reason_required", lambda: council.leave("m1", TODAY, " ", now=NOW))
    left = step(council, council.leave("m1", TODAY, "辞任", now=NOW))
    refused("not_member", lambda: left.leave("m1", TODAY, "辞任", now=NOW))
    refused("not_nominated", lambda: left.confirm("m1", now=NOW))
    refused("naive_time", lambda: local_date(NOW.replace(tzinfo=None)))


def test_a_member_who_left_can_be_nominated_again() -> None:
    council = ready_council()
    council = step(council, council.leave("m1", TODAY, "辞任", now=NOW))
    event = council.nominate("m1", "成员1", MemberCategory.two_committees, TODAY, TERM[1], now=NOW)
    council = step(council, event)
    council = step(council, council.confirm("m1", now=NOW))
    assert council.readiness(TODAY).can_act


def test_a_new_chair_replaces_the_old() -> None:
    council = ready_council()
    council = step(council, council.appoint_chair("chair2", "李书记", now=NOW))
    assert council.is_chair("chair2") and not council.is_chair("chair")


member = st.tuples(
    st.sampled_from(list(MemberCategory)),
    st.booleans(),  # confirmed
    st.integers(-3, 3),  # term start, days from today
    st.integers(-3, 3),  # term length offset: end = start + 1 + this
    st.one_of(st.none(), st.integers(-2, 2)),  # left, days from today
)


@settings(max_examples=150, deadline=None)
@given(chair=st.booleans(), members=st.lists(member, max_size=12))
def test_readiness_is_chair_and_seven_confirmed_in_term_and_one_cppcc(chair: bool, members: list) -> None:
    council = empty_council()
    if chair:
        council = step(council, council.appoint_chair("chair", "主席", now=NOW))
    for i, (category, confirmed, start, length, left) in enumerate(members):
        start_on = TODAY + timedelta(days=start)
        end_on = start_on + timedelta(days=1 + abs(length))
        council = step(council, MemberNominated(COUNCIL_ID, f"p{i}", "人", category, start_on, end_on, NOW))
        if confirmed:
            council = step(council, MemberConfirmed(COUNCIL_ID, f"p{i}", NOW))
        if left is not None:
            council = step(council, MemberLeft(COUNCIL_ID, f"p{i}", TODAY + timedelta(days=left), "离任", NOW))
    serving = []
    for category, confirmed, start, length, left in members:
        start_on = TODAY + timedelta(days=start)
        end_on = start_on + timedelta(days=1 + abs(length))
        if confirmed and start_on <= TODAY <= end_on and (left is None or left > 0):
            serving.append(category)
    expected = chair and len(serving) >= 7 and MemberCategory.cppcc_member in serving
    readiness = council.readiness(TODAY)
    assert readiness.can_act == expected
    assert (readiness.missing_zh() == []) == expected == (readiness.missing_en() == [])
    if not expected:
        refused("council_not_ready", lambda: council.ensure_can_act(TODAY))


def test_local_date_is_beijing_time() -> None:
    late_evening = NOW.replace(hour=23).astimezone(timezone.utc)
    assert late_evening.hour == 15
    assert local_date(late_evening) == NOW.date()
    assert local_date(NOW + timedelta(hours=15)) == date(2026, 5, 11)
