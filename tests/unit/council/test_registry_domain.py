"""The registry's rules, pure: what a code's shape says, names, register, rename, retire, a list's line."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from yishi_contracts import DivisionLevel, DivisionRegistered, DivisionRenamed, DivisionRetired

from services.council.domain.divisions import (
    Division,
    division_name,
    import_line,
    level_of,
    own_digits,
    parent_of,
    register_division,
)
from services.kit.errors import status_of
from services.kit.refusal import Refusal

from .builders import NOW

DISTRICT, STREET, COMMUNITY = "330102000000", "330102001000", "330102001051"
district = Division(DISTRICT, DivisionLevel.district, "上城区", "330100000000")
street = Division(STREET, DivisionLevel.street, "清波街道", DISTRICT)


def refused(call, status: int, error: str) -> Refusal:
    with pytest.raises(Refusal) as caught:
        call()
    assert (status_of(caught.value), caught.value.error) == (status, error)
    return caught.value


def test_a_codes_shape_says_its_level_and_its_parent() -> None:
    assert [level_of(c) for c in (DISTRICT, STREET, COMMUNITY)] == ["district", "street", "community"]
    assert [parent_of(c) for c in (DISTRICT, STREET, COMMUNITY)] == ["330100000000", DISTRICT, STREET]
    assert [own_digits(c) for c in ("330100000000", DISTRICT, STREET, COMMUNITY)] == ["3301", "330102", "330102001",
                                                                                        COMMUNITY]
    assert level_of("330109400000") == "street" and level_of("330109400201") == "community"


@pytest.mark.parametrize("code", ["33010200105", "3301020010511", "33010200105a", "３３０１０２００１０５１",
                                  "330100000000", "330000000000", "330102000051"])
def test_codes_of_no_division_are_refused(code: str) -> None:
    refused(lambda: level_of(code), 422, "invalid_division_code")


def test_names_are_kept_in_nfc_trimmed_without_control_characters() -> None:
    decomposed = unicodedata.normalize("NFD", "Café社区")
    assert division_name(f"  {decomposed}\u3000") == "Café社区" and division_name(decomposed) != decomposed
    for bad in ("", "   ", "清波\x00门社区", "清波\u200b门", "清波\n门"):
        refused(lambda bad=bad: division_name(bad), 422, "name_required" if not bad.strip() else
                "name_has_control_characters")
    refused(lambda: division_name("社" * 61), 422, "name_too_long")


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=60))
def test_any_name_kept_is_nfc_trimmed_and_printable(raw: str) -> None:
    try:
        name = division_name(raw)
    except Refusal as refusal:
        assert refusal.error in ("name_required", "name_too_long", "name_has_control_characters")
        return
    assert name == unicodedata.normalize("NFC", name) == name.strip() and name
    assert not any(unicodedata.category(ch).startswith("C") for ch in name)


def test_registering_under_an_active_parent_of_the_level_above() -> None:
    [event] = register_division(None, COMMUNITY, " 清波门社区 ", street, now=NOW, by="street-1")
    assert isinstance(event, DivisionRegistered)
    assert (event.code, event.community_id, event.level, event.name, event.parent_code) == (
        COMMUNITY, COMMUNITY, "community", "清波门社区", STREET)
    [top] = register_division(None, DISTRICT, "上城区", None, parent_code="330100000000", now=NOW, by="city")
    assert top.parent_code == "330100000000", "a district's parent is its city, which is not registered"
    assert Division.fold([event]) == Division(COMMUNITY, DivisionLevel.community, "清波门社区", STREET)


def test_registering_is_refused_against_the_codes_shape_the_parent_and_what_exists() -> None:
    register = register_division
    refused(lambda: register(None, COMMUNITY, "清波门社区", None, now=NOW, by="x"), 409, "parent_not_registered")
    retired_street = Division(STREET, DivisionLevel.street, "清波街道", DISTRICT, active=False)
    refused(lambda: register(None, COMMUNITY, "清波门社区", retired_street, now=NOW, by="x"), 409, "parent_retired")
    wrong = refused(lambda: register(None, COMMUNITY, "清波门社区", street, parent_code="330102003000", now=NOW, by="x"),
                    422, "parent_mismatch")
    assert wrong.extra["expected_parent_code"] == STREET and "前9位" in wrong.message_zh
    refused(lambda: register(None, COMMUNITY, "清波门社区", street, level=DivisionLevel.street, now=NOW, by="x"), 422,
            "level_mismatch")
    existing = Division(COMMUNITY, DivisionLevel.community, "清波门社区", STREET)
    refused(lambda: register(existing, COMMUNITY, "清波门社区", street, now=NOW, by="x"), 409, "division_exists")
    gone = Division(COMMUNITY, DivisionLevel.community, "清波门社区", STREET, active=False)
    refused(lambda: register(gone, COMMUNITY, "清波门社区", street, now=NOW, by="x"), 409, "division_retired")
    refused(lambda: register(None, COMMUNITY, "\x07", street, now=NOW, by="x"), 422, "name_has_control_characters")


def test_renaming_keeps_the_code_and_the_same_name_changes_nothing() -> None:
    [event] = street.rename("清波街道办事处", now=NOW, by="district")
    assert isinstance(event, DivisionRenamed) and (event.name, event.previous_name) == ("清波街道办事处", "清波街道")
    assert street.apply(event).name == "清波街道办事处" and street.apply(event).code == STREET
    assert street.rename(" 清波街道 ", now=NOW, by="district") == []
    refused(lambda: street.rename("", now=NOW, by="d"), 422, "name_required")
    refused(lambda: Division(STREET, DivisionLevel.street, "旧", DISTRICT, active=False).rename("新", now=NOW, by="d"),
            409, "division_retired")


def test_retiring_needs_a_reason_and_nothing_active_under_it() -> None:
    busy = refused(lambda: street.retire("并入湖滨街道", active_children=3, now=NOW, by="d"), 409, "has_active_children")
    assert busy.extra["active_children"] == 3 and "3个" in busy.message_zh
    refused(lambda: street.retire("  ", active_children=0, now=NOW, by="d"), 422, "reason_required")
    [event] = street.retire(" 并入湖滨街道 ", active_children=0, now=NOW, by="d")
    assert isinstance(event, DivisionRetired) and event.reason == "并入湖滨街道"
    gone = street.apply(event)
    assert not gone.active
    refused(lambda: gone.retire("again", active_children=0, now=NOW, by="d"), 409, "division_retired")


def test_a_lists_line_registers_renames_or_changes_nothing() -> None:
    [added] = import_line(None, COMMUNITY, "清波门社区", street, parent_code=STREET, now=NOW, by="s")
    assert isinstance(added, DivisionRegistered)
    known = Division.fold([added])
    assert import_line(known, COMMUNITY, "清波门社区", None, parent_code=STREET, now=NOW, by="s") == []
    [renamed] = import_line(known, COMMUNITY, "清波门社区居委会", None, parent_code=None, now=NOW, by="s")
    assert isinstance(renamed, DivisionRenamed) and renamed.previous_name == "清波门社区"
    refused(lambda: import_line(known, COMMUNITY, "清波门社区", None, parent_code=DISTRICT, now=NOW, by="s"), 422,
            "parent_mismatch")
