"""The registry's use cases on the in-memory fakes: register, rename, retire, import, read."""

import pytest
from yishi_contracts import DivisionLevel, DivisionRegistered, DivisionRenamed, DivisionRetired

from services.council.service_layer import divisions, registry_reading
from services.council.service_layer.divisions import ImportLine
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


async def refused(call, status: int, error: str) -> Refusal:
    with pytest.raises(Refusal) as caught:
        await call
    assert (status_of(caught.value), caught.value.error) == (status, error)
    return caught.value


async def registered_city():
    """上城区 · 清波街道 · 清波门社区, each registered by its office."""
    service = registry_service()
    await divisions.register(service, CITY_OFFICE, DISTRICT, "上城区")
    await divisions.register(service, DISTRICT_OFFICE, STREET, "清波街道")
    await divisions.register(service, STREET_OFFICE, COMMUNITY, "清波门社区")
    return service


async def test_each_office_registers_the_level_below_it_and_the_event_is_keyed_by_the_code() -> None:
    service = await registered_city()
    events = service.published(DivisionRegistered)
    assert [(e.code, e.level, e.name, e.parent_code, e.registered_by) for e in events] == [
        (DISTRICT, "district", "上城区", "330100000000", CITY_OFFICE.id),
        (STREET, "street", "清波街道", DISTRICT, DISTRICT_OFFICE.id),
        (COMMUNITY, "community", "清波门社区", STREET, STREET_OFFICE.id),
    ]
    envelope = service.store.outbox[-1]
    assert envelope.subject == COMMUNITY == envelope.communityid
    assert service.views.held == [DISTRICT, STREET], "each child's registration holds its parent"
    shown = await registry_reading.division(service, COMMUNITY)
    assert shown.path == "清波门社区 · 清波街道 · 上城区" and [a.code for a in shown.ancestors] == [STREET, DISTRICT]


async def test_registering_is_refused_by_role_scope_parent_and_existence() -> None:
    service = registry_service()
    await refused(divisions.register(service, DISTRICT_OFFICE, DISTRICT, "上城区"), 403, "role_not_allowed")
    await refused(divisions.register(service, office(Role.city_office, "3302"), DISTRICT, "上城区"), 403,
                  "outside_your_community")
    await refused(divisions.register(service, office(Role.party_committee, COMMUNITY), COMMUNITY, "清波门社区"), 403,
                  "role_not_allowed")
    await refused(divisions.register(service, DISTRICT_OFFICE, STREET, "清波街道"), 409, "parent_not_registered")
    await refused(divisions.register(service, CITY_OFFICE, "330100000000", "杭州市"), 422, "invalid_division_code")
    await divisions.register(service, CITY_OFFICE, DISTRICT, "上城区")
    await refused(divisions.register(service, STREET_OFFICE, STREET, "清波街道"), 403, "role_not_allowed")
    await refused(divisions.register(service, office(Role.district_office, "330105"), STREET, "清波街道"), 403,
                  "outside_your_community")
    await refused(divisions.register(service, CITY_OFFICE, DISTRICT, "上城区"), 409, "division_exists")
    assert len(service.published()) == 1, "nothing refused was recorded"
    street = await divisions.register(service, CITY_OFFICE, STREET, "清波街道", parent_code=DISTRICT,
                                      level=DivisionLevel.street)
    assert street.level is DivisionLevel.street, "the office above may act for the one below"


async def test_renaming_by_the_office_of_the_level_and_the_same_name_records_nothing() -> None:
    service = await registered_city()
    community = await divisions.rename(service, STREET_OFFICE, COMMUNITY, "清波门社区居委会")
    assert community.name == "清波门社区居委会"
    [event] = service.published(DivisionRenamed)
    assert (event.previous_name, event.renamed_by) == ("清波门社区", STREET_OFFICE.id)
    await divisions.rename(service, STREET_OFFICE, COMMUNITY, "清波门社区居委会")
    assert len(service.published(DivisionRenamed)) == 1
    assert service.views.divisions_by_code[COMMUNITY].name == "清波门社区居委会"
    await refused(divisions.rename(service, STREET_OFFICE, STREET, "新街道"), 403, "role_not_allowed")
    await refused(divisions.rename(service, STREET_OFFICE, "330102001052", "新社区"), 404, "division_unknown")


async def test_retiring_waits_until_nothing_under_it_is_active() -> None:
    service = await registered_city()
    busy = await refused(divisions.retire(service, DISTRICT_OFFICE, STREET, "并入湖滨街道"), 409, "has_active_children")
    assert busy.extra["active_children"] == 1 and service.views.counted == [STREET]
    await refused(divisions.retire(service, STREET_OFFICE, COMMUNITY, "撤并"), 403, "role_not_allowed")
    community = await divisions.retire(service, DISTRICT_OFFICE, COMMUNITY, "撤并入劳动路社区")
    assert not community.active
    street = await divisions.retire(service, DISTRICT_OFFICE, STREET, "并入湖滨街道")
    assert not street.active and [e.code for e in service.published(DivisionRetired)] == [COMMUNITY, STREET]
    await refused(divisions.rename(service, STREET_OFFICE, COMMUNITY, "新名"), 409, "division_retired")
    await refused(divisions.register(service, DISTRICT_OFFICE, "330102001053", "定安路社区"), 409, "parent_retired")
    await refused(divisions.retire(service, CITY_OFFICE, "330105000000", "x"), 404, "division_unknown")
    total, found = await registry_reading.search(service, under=DISTRICT, level=None, text=None, include_retired=False,
                                                 page=1, size=10)
    assert (total, found) == (0, [])
    total, found = await registry_reading.search(service, under=DISTRICT, level=None, text=None, include_retired=True,
                                                 page=1, size=10)
    assert [d.code for d in found] == [STREET, COMMUNITY]


def lines(*rows: tuple[str, str, str | None]) -> list[ImportLine]:
    return [ImportLine(i, code, name, parent) for i, (code, name, parent) in enumerate(rows, start=1)]


HANGZHOU = [
    ("330102001051", "清波门社区", STREET),
    ("330102001000", "清波街道", DISTRICT),
    ("330102000000", "上城区", "330100000000"),
    ("330102001052", "劳动路社区", STREET),
]


async def test_an_import_adds_in_parent_order_and_again_changes_nothing() -> None:
    service = registry_service()
    report = await divisions.import_divisions(service, CITY_OFFICE, lines(*HANGZHOU))
    assert report.summary() == {"lines": 4, "added": 4, "renamed": 0, "unchanged": 0, "refused": 0}
    assert [a["line"] for a in report.added] == [3, 2, 1, 4], "districts, then streets, then communities"
    assert service.views.held == [], "parents registered by the import itself need no holding"
    again = await divisions.import_divisions(service, CITY_OFFICE, lines(*HANGZHOU))
    assert again.summary() == {"lines": 4, "added": 0, "renamed": 0, "unchanged": 4, "refused": 0}
    assert len(service.published()) == 4

    renamed = [*HANGZHOU[:3], ("330102001052", "劳动路社区居委会", STREET)]
    report = await divisions.import_divisions(service, STREET_OFFICE, lines(*renamed))
    assert report.renamed == [{"line": 4, "code": "330102001052", "name": "劳动路社区居委会",
                               "previous_name": "劳动路社区"}]
    assert report.summary()["unchanged"] == 1 and [r["line"] for r in report.refused] == [2, 3], \
        "a street office may not touch its street or district, even unchanged"
    assert {r["error"] for r in report.refused} == {"role_not_allowed"}

    more = await divisions.import_divisions(service, STREET_OFFICE, lines(("330102001053", "定安路社区", STREET),
                                                                          ("330102001055", "清河坊社区", STREET)))
    assert more.summary()["added"] == 2 and service.views.held == [STREET], "the street is held once for both"


async def test_an_import_reports_each_refused_line_with_its_reason_and_goes_on() -> None:
    service = registry_service()
    await divisions.register(service, CITY_OFFICE, DISTRICT, "上城区")
    unreadable = [(9, "1234", Refusal("invalid_division_code", "区划代码不正确", "bad code"))]
    report = await divisions.import_divisions(service, DISTRICT_OFFICE, lines(
        ("330102001000", "清波街道", DISTRICT),
        ("330102003051", "湖滨社区", "330102003000"),
        ("330102001051", "清波门社区", "330102003000"),
        ("330102001000", "清波街道办", DISTRICT),
        ("330105001000", "拱墅街道", "330105000000"),
        ("330102001052", "劳动路\x00社区", STREET),
    ), unreadable)
    refused_lines = {r["line"]: r["error"] for r in report.refused}
    assert refused_lines == {2: "parent_not_registered", 3: "parent_mismatch", 4: "duplicate_line",
                             5: "outside_your_community", 6: "name_has_control_characters",
                             9: "invalid_division_code"}
    assert all(r["message_zh"] and r["message_en"] for r in report.refused)
    assert report.summary() == {"lines": 7, "added": 1, "renamed": 0, "unchanged": 0, "refused": 6}
    assert [e.code for e in service.published(DivisionRegistered)] == [DISTRICT, STREET]


async def test_finding_divisions_under_a_code_by_level_and_name() -> None:
    service = registry_service()
    await divisions.import_divisions(service, CITY_OFFICE, lines(*HANGZHOU, ("330105000000", "拱墅区", "330100000000")))

    async def find(**query) -> tuple[int, list[str]]:
        total, found = await registry_reading.search(
            service, **{"under": None, "level": None, "text": None, "include_retired": False, "page": 1, "size": 50,
                        **query})
        return total, [d.code for d in found]

    assert await find(under="330100000000", level=DivisionLevel.district) == (2, [DISTRICT, "330105000000"])
    assert await find(under=STREET) == (2, ["330102001051", "330102001052"])
    assert await find(text="劳动") == (1, ["330102001052"])
    assert await find(text="3301020010") == (3, [STREET, "330102001051", "330102001052"])
    assert await find(under=DISTRICT, size=1, page=2) == (3, ["330102001051"])
    await refused(registry_reading.division(service, "330102001099"), 404, "division_unknown")
