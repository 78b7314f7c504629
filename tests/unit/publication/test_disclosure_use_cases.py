"""Disclosure's use cases in memory: the reaction that publishes, objections, their assessment,
and the periodic duty that ends the period and starts implementation."""

from datetime import date, timedelta
from uuid import uuid4

import pytest
from yishi_contracts import DisclosureStarted, ImplementationStarted, ObjectionRaised, TopicReturnedToCouncil

from services.kit.auth import Role
from services.kit.errors import status_of
from services.kit.refusal import Refusal
from services.publication import domain as d
from services.publication.service_layer import conclusion, disclosures
from services.publication.service_layer.disclosures import start_disclosure

from ..factories import NOW, adopted, submitted
from .fakes import CONFIG, actor, publication
from .given import STAFF, disclosed

OBJECTION = "驿站选址紧挨居民楼，影响休息"


async def test_an_adopted_resolution_goes_on_disclosure_once() -> None:
    service = publication()
    resolution = await disclosed(service)
    (started,) = service.published(DisclosureStarted)
    assert started.resolution_id == resolution.resolution_id and started.published_at == resolution.adopted_at
    assert started.ends_at - started.published_at == timedelta(days=7)
    again = service.on()  # the same resolution delivered again under another event id
    await start_disclosure(service, again, service.views.feed(resolution), CONFIG)
    again.commit()
    assert len(service.published(DisclosureStarted)) == 1
    assert isinstance(service.store.streams[f"disclosure:{resolution.resolution_id}"][0], d.ResolutionPublished)


async def test_a_resolution_stamped_ahead_of_the_clock_is_published_at_its_adoption() -> None:
    service = publication()
    ahead = adopted(uuid4()).model_copy(update={"adopted_at": NOW + timedelta(minutes=2)})
    service.views.feed(submitted(ahead.topic_id))
    uow = service.on()
    await start_disclosure(service, uow, service.views.feed(ahead), CONFIG)
    uow.commit()
    assert service.published(DisclosureStarted)[0].published_at == ahead.adopted_at


async def test_a_resident_objects_without_a_login_until_the_period_ends() -> None:
    service = publication()
    resolution = await disclosed(service)
    raised = await disclosures.raise_objection(service, resolution.topic_id, f"  {OBJECTION} ")
    assert raised.text == OBJECTION and raised.raised_at == NOW
    service.clock.advance(days=7)
    with pytest.raises(Refusal) as late:
        await disclosures.raise_objection(service, resolution.topic_id, OBJECTION)
    assert late.value.error == "disclosure_period_over" and status_of(late.value) == 409
    with pytest.raises(Refusal) as missing:
        await disclosures.raise_objection(service, uuid4(), OBJECTION)
    assert status_of(missing.value) == 404
    assert len(service.store.streams[f"disclosure:{resolution.resolution_id}"]) == 4  # published, one objection, each with its public copy


async def test_a_substantive_objection_returns_the_topic_to_the_council() -> None:
    service = publication()
    resolution = await disclosed(service)
    raised = await disclosures.raise_objection(service, resolution.topic_id, OBJECTION)

    async def assess(who):
        return await disclosures.assess_objection(service, who, resolution.topic_id, raised.objection_id,
                                                  substantive=True, reason="选址确实影响居民休息，需重新调研")

    for who, error in ((actor(Role.council_member), "role_not_allowed"),
                       (actor(Role.staff, scope="330102009999"), "outside_your_community")):
        with pytest.raises(Refusal) as refused:
            await assess(who)
        assert refused.value.error == error and status_of(refused.value) == 403
    envelopes = await assess(actor(Role.council_chair, sub="chair-1"))
    assert [e.type for e in envelopes] == ["yishi.ObjectionAssessed.v1", "yishi.TopicReturnedToCouncil.v1"]
    assert envelopes[0].data.substantive and envelopes[0].data.objection_id == raised.objection_id
    (returned,) = service.published(TopicReturnedToCouncil)
    assert returned.objection == OBJECTION and "重新调研" in returned.assessment
    with pytest.raises(Refusal) as again:
        await assess(STAFF)
    assert again.value.error == "disclosure_ended" and status_of(again.value) == 409


async def test_an_objection_and_its_dismissal_are_published_without_their_words() -> None:
    service = publication()
    resolution = await disclosed(service)
    raised = await disclosures.raise_objection(service, resolution.topic_id, OBJECTION)
    (public_raised,) = service.published(ObjectionRaised)
    assert public_raised.model_dump(exclude={"topic_id", "community_id"}) == {
        "objection_id": raised.objection_id, "raised_at": raised.raised_at}
    [assessed] = await disclosures.assess_objection(service, STAFF, resolution.topic_id, raised.objection_id,
                                                    substantive=False, reason="已有隔音措施")
    assert assessed.data.model_dump(exclude={"topic_id", "community_id", "assessed_at"}) == {
        "objection_id": raised.objection_id, "substantive": False}
    assert assessed.data.community_id == resolution.community_id
    assert not service.published(TopicReturnedToCouncil)
    with pytest.raises(Refusal) as unknown:
        await disclosures.assess_objection(service, STAFF, resolution.topic_id, uuid4(), substantive=False, reason="不影响")
    assert status_of(unknown.value) == 404


async def test_the_duty_starts_implementation_once_the_period_is_over_and_objections_are_assessed() -> None:
    service = publication()
    resolution = await disclosed(service, date(2027, 1, 31), date(2027, 2, 28))
    raised = await disclosures.raise_objection(service, resolution.topic_id, OBJECTION)
    assert await conclusion.conclude_due(service) == 0, "the period runs"
    service.clock.advance(days=7)
    assert await conclusion.conclude_due(service) == 0, "an objection is pending"
    await disclosures.assess_objection(service, STAFF, resolution.topic_id, raised.objection_id,
                                       substantive=False, reason="已有隔音措施")
    assert await conclusion.conclude_due(service) == 1
    (started,) = service.published(ImplementationStarted)
    assert started.round == 1 and [t.deadline for t in started.tasks] == [date(2027, 1, 31), date(2027, 2, 28)]
    assert started.started_at == NOW + timedelta(days=7)
    assert await conclusion.conclude_due(service) == 0 and len(service.published(ImplementationStarted)) == 1


async def test_a_returned_disclosure_is_never_concluded() -> None:
    service = publication()
    resolution = await disclosed(service)
    raised = await disclosures.raise_objection(service, resolution.topic_id, OBJECTION)
    await disclosures.assess_objection(service, STAFF, resolution.topic_id, raised.objection_id,
                                       substantive=True, reason="异议合理")
    service.clock.advance(days=30)
    assert await conclusion.conclude_due(service) == 0 and not service.published(ImplementationStarted)


async def test_the_duty_concludes_even_a_disclosure_the_views_still_show_open() -> None:
    service = publication()
    resolution = await disclosed(service)
    service.clock.advance(days=8)
    uow = service.on()  # as if the views lagged: conclude directly, then the duty runs over the same disclosure
    assert await conclusion.conclude(service, uow, resolution_id=resolution.resolution_id) == 1
    uow.commit()
    service.views.disclosures[resolution.resolution_id]["state"] = "open"
    assert await conclusion.conclude_due(service) == 0 and len(service.published(ImplementationStarted)) == 1
