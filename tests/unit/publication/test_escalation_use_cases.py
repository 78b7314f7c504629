"""Results conversion's use cases in memory: the reaction that records a ground, and escalating."""

from uuid import UUID, uuid4

import pytest
from yishi_contracts import MatterEscalated, Rejected

from services.kit.auth import Role
from services.kit.errors import status_of
from services.kit.refusal import Refusal
from services.publication import domain as d
from services.publication.service_layer import escalation

from ..factories import COMMUNITY, screened, submitted
from .fakes import actor, publication
from .given import STAFF, Service, disclosed

SUMMARY = "建议在中山街规划建设公共厕所，方便环卫工人和居民"


async def screened_out(service: Service, reason: str) -> UUID:
    topic_id = uuid4()
    service.views.feed(submitted(topic_id))
    envelope = service.views.feed(screened(topic_id, decision=Rejected(reason=reason, explanation="需由县级部门统筹解决")))
    for _ in range(2):  # delivered twice: the ground is recorded once
        uow = service.on()
        await escalation.ground_from_screening(service, uow, envelope)
        uow.commit()
    return topic_id


def stream(service: Service, topic_id: UUID) -> list[object]:
    return service.store.streams.get(f"escalation:{topic_id}", [])


async def test_only_a_rejection_beyond_authority_becomes_a_ground() -> None:
    service: Service = publication()
    beyond = await screened_out(service, "beyond_authority")
    dispute = await screened_out(service, "individual_dispute")
    (ground,) = stream(service, beyond)
    assert isinstance(ground, d.EscalationGroundRecorded) and ground.ground == "beyond_authority"
    assert stream(service, dispute) == []


async def test_a_county_cppcc_office_escalates_a_grounded_topic_once() -> None:
    service: Service = publication()
    beyond = await screened_out(service, "beyond_authority")
    with pytest.raises(Refusal) as member:
        await escalation.escalate(service, actor(Role.council_member), beyond, kind="cppcc_proposal", summary=SUMMARY)
    assert status_of(member.value) == 403
    office = actor(Role.cppcc_office, scope=COMMUNITY[:6])
    envelopes = await escalation.escalate(service, office, beyond, kind="cppcc_proposal", summary=SUMMARY)
    assert [e.type for e in envelopes] == ["yishi.MatterEscalated.v1"]
    (escalated,) = service.published(MatterEscalated)
    assert escalated.ground == "beyond_authority" and escalated.addressee == "county_cppcc"
    with pytest.raises(Refusal) as twice:
        await escalation.escalate(service, office, beyond, kind="social_conditions_report", summary=SUMMARY)
    assert twice.value.error == "already_escalated" and status_of(twice.value) == 409


async def test_without_a_ground_or_a_topic_nothing_is_escalated() -> None:
    service: Service = publication()
    dispute = await screened_out(service, "individual_dispute")
    refusals = []
    for topic_id, ground in ((dispute, None), (uuid4(), None), (dispute, "needs_higher_level")):
        with pytest.raises(Refusal) as refused:
            await escalation.escalate(service, STAFF, topic_id, kind="cppcc_proposal", summary=SUMMARY, ground=ground)
        refusals.append((refused.value.error, status_of(refused.value)))
    assert refusals == [("no_escalation_ground", 409), ("not_found", 404), ("no_resolution", 409)]
    assert not service.published(MatterEscalated)


async def test_a_resolution_needing_a_higher_level_is_escalated_with_a_note() -> None:
    service: Service = publication()
    resolution = await disclosed(service)
    args = dict(kind="social_conditions_report", summary="接送学生高峰期中山街拥堵，需区交警部门统筹", ground="needs_higher_level")
    with pytest.raises(Refusal) as no_note:
        await escalation.escalate(service, STAFF, resolution.topic_id, **args)
    assert no_note.value.error == "text_too_short" and status_of(no_note.value) == 422
    await escalation.escalate(service, STAFF, resolution.topic_id, note="信号灯配时需区交警调整", **args)
    (escalated,) = service.published(MatterEscalated)
    assert escalated.ground == "needs_higher_level" and escalated.kind == "social_conditions_report"
    assert [type(e) for e in stream(service, resolution.topic_id)] == [d.EscalationGroundRecorded, d.EscalationFiled,
                                                                        MatterEscalated]
