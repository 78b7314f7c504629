"""The settings use cases on the in-memory fakes: who may set what, and what a division reads."""

from datetime import timedelta
from fractions import Fraction

import pytest
from yishi_contracts import CommunitySettingsChanged

from services.council.domain.settings import Settings
from services.council.service_layer import divisions, settings
from services.kit.auth import Role
from services.kit.errors import status_of
from services.kit.refusal import Refusal

from .test_registry_fakes import (
    CITY_OFFICE,
    COMMUNITY,
    DISTRICT,
    DISTRICT_OFFICE,
    STREET,
    STREET_OFFICE,
    office,
    registry_service,
)

PARTY = office(Role.party_committee, COMMUNITY)


async def refused(call, status: int, error: str) -> Refusal:
    with pytest.raises(Refusal) as caught:
        await call
    assert (status_of(caught.value), caught.value.error) == (status, error)
    return caught.value


async def registered_city():
    service = registry_service()
    await divisions.register(service, CITY_OFFICE, DISTRICT, "上城区")
    await divisions.register(service, DISTRICT_OFFICE, STREET, "清波街道")
    await divisions.register(service, STREET_OFFICE, COMMUNITY, "清波门社区")
    return service


async def test_a_community_sets_a_five_day_disclosure_and_reads_where_each_value_comes_from() -> None:
    service = await registered_city()
    await settings.change_settings(service, DISTRICT_OFFICE, DISTRICT, Settings(quorum=Fraction(3, 4)))
    await settings.change_settings(service, PARTY, COMMUNITY, Settings(disclosure_days=5))
    [_, mine] = service.published(CommunitySettingsChanged)
    assert (mine.code, mine.level, mine.disclosure_days, mine.quorum, mine.changed_by) == (
        COMMUNITY, "community", 5, None, PARTY.id)
    assert service.store.outbox[-1].subject == COMMUNITY

    view = await settings.settings_view(service, COMMUNITY)
    e = view.effective
    assert e.values() == Settings(5, Fraction(3, 4), Fraction(1, 2), 0)
    assert [(x.source, x.code) for x in (e.disclosure_days, e.quorum, e.adoption)] == [
        ("community", COMMUNITY), ("district", DISTRICT), ("city", None)]
    assert view.own == Settings(disclosure_days=5) and view.division.name == "清波门社区"
    street = await settings.settings_view(service, STREET)
    assert street.effective.disclosure_days.value == 7 and street.effective.quorum.value == Fraction(3, 4)


async def test_settings_are_for_the_office_of_the_level_or_above_or_the_communitys_own_party_committee() -> None:
    service = await registered_city()
    five = Settings(disclosure_days=5)
    await refused(settings.change_settings(service, STREET_OFFICE, DISTRICT, five), 403, "role_not_allowed")
    await refused(settings.change_settings(service, PARTY, STREET, five), 403, "role_not_allowed")
    await refused(settings.change_settings(service, office(Role.party_committee, "330102001052"), COMMUNITY, five),
                  403, "outside_your_community")
    await refused(settings.change_settings(service, office(Role.staff, COMMUNITY), COMMUNITY, five), 403,
                  "role_not_allowed")
    await refused(settings.change_settings(service, office(Role.street_office, "330102003"), COMMUNITY, five), 403,
                  "outside_your_community")
    assert service.published(CommunitySettingsChanged) == []
    allowed = [(CITY_OFFICE, DISTRICT), (DISTRICT_OFFICE, STREET), (STREET_OFFICE, STREET), (STREET_OFFICE, COMMUNITY),
               (DISTRICT_OFFICE, COMMUNITY), (PARTY, COMMUNITY)]
    for days, (actor, code) in enumerate(allowed, start=3):
        await settings.change_settings(service, actor, code, Settings(disclosure_days=days))
    assert [(e.code, e.disclosure_days) for e in service.published(CommunitySettingsChanged)] == [
        (code, days) for days, (_, code) in enumerate(allowed, start=3)]


async def test_settings_need_a_registered_active_division_and_valid_values() -> None:
    service = await registered_city()
    await refused(settings.change_settings(service, STREET_OFFICE, "330102001052", Settings(disclosure_days=5)), 404,
                  "division_unknown")
    await refused(settings.settings_view(service, "330102001052"), 404, "division_unknown")
    await refused(settings.change_settings(service, PARTY, COMMUNITY, Settings(quorum=Fraction(3, 2))), 422,
                  "setting_out_of_range")
    past = service.clock.now() - timedelta(days=1)
    await refused(settings.change_settings(service, PARTY, COMMUNITY, Settings(disclosure_days=5), past), 422,
                  "not_retroactive")
    await divisions.retire(service, DISTRICT_OFFICE, COMMUNITY, "撤并")
    await refused(settings.change_settings(service, PARTY, COMMUNITY, Settings(disclosure_days=5)), 409,
                  "division_retired")
    assert service.published(CommunitySettingsChanged) == []


async def test_a_later_change_shows_as_upcoming_and_applies_from_its_start() -> None:
    service = await registered_city()
    start = service.clock.now() + timedelta(days=14)
    await settings.change_settings(service, STREET_OFFICE, STREET, Settings(overdue_grace_days=3), start)
    now = await settings.settings_view(service, COMMUNITY)
    assert now.effective.overdue_grace_days.value == 0
    assert [(s.effective_from, s.settings) for s in (await settings.settings_view(service, STREET)).upcoming] == [
        (start, Settings(overdue_grace_days=3))]
    then = await settings.settings_view(service, COMMUNITY, start)
    assert (then.effective.overdue_grace_days.value, then.effective.overdue_grace_days.source) == (3, "street")
    await settings.change_settings(service, STREET_OFFICE, STREET, Settings(overdue_grace_days=3), start)
    assert len(service.published(CommunitySettingsChanged)) == 1, "the same change again records nothing"
