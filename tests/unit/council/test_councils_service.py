"""The council's use cases on the in-memory fakes: form, chair, nominate, confirm, leave, show."""

from datetime import timedelta
from uuid import uuid4

import pytest
from yishi_contracts import CouncilCompositionChanged

from services.council.domain.council import ChairAppointed, CouncilFormed, MemberCategory, MemberLeft
from services.council.service_layer import councils
from services.kit.auth import Actor, Role
from services.kit.errors import status_of
from services.kit.refusal import Refusal

from .builders import COMMUNITY, OTHER_COMMUNITY, TERM, TODAY
from .fakes import CHAIR, PARTY, STAFF, council_service, ready_council


async def refused(call, status: int, error: str) -> Refusal:
    with pytest.raises(Refusal) as caught:
        await call
    assert (status_of(caught.value), caught.value.error) == (status, error)
    return caught.value


def rosters(service) -> list[CouncilCompositionChanged]:
    return service.published(CouncilCompositionChanged)


async def test_forming_records_the_council_and_its_first_roster_once_per_community() -> None:
    service = council_service()
    council = await councils.form(service, STAFF, COMMUNITY)
    stream = service.store.streams[councils.stream_id(council.council_id)]
    assert [type(e) for e in stream] == [CouncilFormed, CouncilCompositionChanged]
    assert rosters(service)[0].council_id == council.council_id and rosters(service)[0].fixed_members == []
    assert service.views.councils == {COMMUNITY: council.council_id}

    again = await refused(councils.form(service, PARTY, COMMUNITY), 409, "council_exists")
    assert again.body()["council_id"] == str(council.council_id)
    assert len(rosters(service)) == 1 and len(service.store.streams) == 1, "the refused forming recorded nothing"


async def test_forming_is_for_the_party_committee_or_staff_of_a_valid_community() -> None:
    service = council_service()
    await refused(councils.form(service, CHAIR, COMMUNITY), 403, "role_not_allowed")
    await refused(councils.form(service, PARTY, OTHER_COMMUNITY), 403, "outside_your_community")
    district = Actor("party-9", frozenset({Role.party_committee}), "32058")
    await refused(councils.form(service, district, "32058"), 422, "invalid_community")
    assert service.views.councils == {} and not service.store.streams


async def test_each_change_publishes_the_roster_serving_after_it() -> None:
    service = council_service()
    council = await ready_council(service)
    assert council.readiness(TODAY).can_act
    latest = rosters(service)[-1]
    assert latest.chair_id == "chair" and len(latest.fixed_members) == 7
    assert len(rosters(service)) == 1 + 1 + 2 * 7, "forming, the chair, and each nomination and confirmation"

    council = await councils.leave(service, STAFF, council.council_id, "m3", None, "搬离本社区")
    assert council.members["m3"].left_on == TODAY and not council.readiness(TODAY).can_act
    assert "m3" not in {m.member_id for m in rosters(service)[-1].fixed_members}
    assert isinstance(service.store.streams[councils.stream_id(council.council_id)][-2], MemberLeft)

    council = await councils.appoint_chair(service, PARTY, council.council_id, "chair2", "李书记")
    assert council.is_chair("chair2") and rosters(service)[-1].chair_name == "李书记"
    assert isinstance(service.store.streams[councils.stream_id(council.council_id)][-2], ChairAppointed)


async def test_a_nominee_serves_once_confirmed() -> None:
    service = council_service()
    council = await ready_council(service, categories=[MemberCategory.cppcc_member] * 6)
    council = await councils.nominate(service, STAFF, council.council_id, "new", "新人", MemberCategory.health_station, TERM)
    assert not council.readiness(TODAY).can_act and len(rosters(service)[-1].fixed_members) == 6
    council = await councils.confirm(service, PARTY, council.council_id, "new")
    assert council.readiness(TODAY).can_act and len(rosters(service)[-1].fixed_members) == 7


async def test_council_changes_are_refused_by_role_community_rule_and_existence() -> None:
    service = council_service()
    council = await ready_council(service)
    published = len(service.published())
    await refused(councils.appoint_chair(service, STAFF, council.council_id, "x", "外人"), 403, "role_not_allowed")
    outsider = Actor("party-2", frozenset({Role.party_committee}), OTHER_COMMUNITY)
    await refused(councils.confirm(service, outsider, council.council_id, "m1"), 403, "outside_your_community")
    await refused(councils.confirm(service, PARTY, council.council_id, "m1"), 409, "already_confirmed")
    await refused(councils.nominate(service, STAFF, council.council_id, "x", " ", MemberCategory.cppcc_member, TERM),
                  422, "name_required")
    backwards = (TERM[1], TERM[0])
    await refused(councils.nominate(service, STAFF, council.council_id, "x", "新", MemberCategory.cppcc_member, backwards),
                  422, "invalid_term")
    await refused(councils.leave(service, STAFF, council.council_id, "m1", TODAY - timedelta(days=1), " "),
                  422, "reason_required")
    await refused(councils.leave(service, STAFF, council.council_id, "nobody", None, "离任"), 409, "not_member")
    await refused(councils.confirm(service, PARTY, uuid4(), "m1"), 404, "council_unknown")
    assert len(service.published()) == published


async def test_a_council_is_shown_by_id_or_by_community() -> None:
    service = council_service()
    council = await ready_council(service)
    assert await councils.council(service, council.council_id) == council
    assert await councils.council_of_community(service, COMMUNITY) == council
    await refused(councils.council(service, uuid4()), 404, "council_unknown")
    await refused(councils.council_of_community(service, OTHER_COMMUNITY), 404, "council_unknown")
