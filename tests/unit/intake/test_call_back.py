"""Calling a submitter back, in memory: who may read a contact, every read recorded, the audit list."""

from uuid import UUID, uuid4

import pytest
from yishi_contracts import TopicSubmitted
from yishi_contracts.receipts import matches

from services.intake.domain.submission import SubmitTopic
from services.intake.service_layer.call_back import list_contact_reads, read_contact
from services.intake.service_layer.submit_topic import submit_topic
from services.kit.auth import Actor, Role
from services.kit.errors import status_of
from services.kit.refusal import Refusal

from .fakes import intake_service

QINGBOMEN, LAODONGLU = "330102001051", "330102001052"
CHAIR = Actor("qbm-chair", frozenset({Role.council_chair}), QINGBOMEN)
STAFF = Actor("qbm-staff", frozenset({Role.staff}), QINGBOMEN)
MEMBER = Actor("qbm-member", frozenset({Role.council_member}), QINGBOMEN)
OTHER_STAFF = Actor("ldl-staff", frozenset({Role.staff}), LAODONGLU)
DISTRICT = Actor("sc-district", frozenset({Role.district_office}), "330102")
STREET = Actor("qb-street", frozenset({Role.street_office}), "330102001")


def topic(community: str = QINGBOMEN) -> SubmitTopic:
    return SubmitTopic(community_id=community, title="清波门公厕太远", description="清波门一带没有公共厕所，老人很不方便。",
                       source="resident", channel="online", submitted_by="resident")


async def _submitted(service, community: str = QINGBOMEN, **contact: str) -> UUID:
    contact = contact or {"contact_name": "王阿姨", "contact_phone": "13800138000"}
    return UUID((await submit_topic(service, topic(community), **contact)).topic_id)


async def _refused(coro) -> Refusal:
    with pytest.raises(Refusal) as refused:
        await coro
    return refused.value


async def test_the_chair_and_staff_of_the_community_read_it_and_each_read_is_recorded() -> None:
    service = intake_service()
    topic_id = await _submitted(service)
    for actor in (CHAIR, STAFF):
        contact = await read_contact(service, actor, topic_id)
        assert (contact.name, contact.phone) == ("王阿姨", "13800138000")
    reads = service.views.reads
    assert [(r.reader_id, r.reader_roles, r.topic_id, r.community_id) for r in reads] == [
        ("qbm-chair", ("council_chair",), topic_id, QINGBOMEN), ("qbm-staff", ("staff",), topic_id, QINGBOMEN),
    ]
    assert all(r.read_at == service.clock.now() for r in reads)
    assert len(service.published()) == 1 and "13800138000" not in str(service.published())  # the submission only


async def test_another_role_or_community_is_refused_and_nothing_is_recorded() -> None:
    service = intake_service()
    topic_id = await _submitted(service)
    for actor, error in ((MEMBER, "role_not_allowed"), (OTHER_STAFF, "outside_your_community"),
                         (DISTRICT, "role_not_allowed")):
        refused = await _refused(read_contact(service, actor, topic_id))
        assert (refused.error, status_of(refused)) == (error, 403)
    assert service.views.reads == []


async def test_an_unknown_topic_or_one_without_a_contact_is_not_found() -> None:
    service = intake_service()
    assert (await _refused(read_contact(service, STAFF, uuid4()))).error == "topic_not_found"
    silent = await _submitted(service, contact_name=None, contact_phone=None)
    refused = await _refused(read_contact(service, STAFF, silent))
    assert (refused.error, status_of(refused), refused.message_zh) == ("no_contact", 404, "提交人没有留下联系方式")
    assert service.views.reads == []


async def test_the_district_office_lists_the_reads_of_its_division_page_by_page(monkeypatch) -> None:
    service = intake_service()
    monkeypatch.setattr("services.intake.domain.contact.PAGE_SIZE", 2)
    monkeypatch.setattr("services.intake.service_layer.call_back.PAGE_SIZE", 2)
    ours, theirs = await _submitted(service), await _submitted(service, LAODONGLU)
    for _ in range(3):
        await read_contact(service, STAFF, ours)
        service.clock.advance(minutes=1)
    await read_contact(service, OTHER_STAFF, theirs)
    division, first = await list_contact_reads(service, DISTRICT, None)
    assert division == "330102" and [r.reader_id for r in first] == ["ldl-staff", "qbm-staff"]
    _, second = await list_contact_reads(service, DISTRICT, None, page=2)
    assert [r.reader_id for r in second] == ["qbm-staff", "qbm-staff"]
    _, laodonglu = await list_contact_reads(service, DISTRICT, LAODONGLU)
    assert [r.topic_id for r in laodonglu] == [theirs]


async def test_an_audit_outside_the_office_or_by_another_role_is_refused() -> None:
    service = intake_service()
    assert status_of(await _refused(list_contact_reads(service, DISTRICT, "330106"))) == 403
    assert status_of(await _refused(list_contact_reads(service, STREET, None))) == 403
    assert status_of(await _refused(list_contact_reads(service, STAFF, None))) == 403
    bad = await _refused(list_contact_reads(service, DISTRICT, "3301020"))
    assert (bad.error, status_of(bad)) == ("invalid_division", 422)
    assert (await _refused(list_contact_reads(service, DISTRICT, None, page=0))).error == "invalid_page"


async def test_the_submission_carries_a_receipt_check_of_its_code_and_never_the_code() -> None:
    service = intake_service()
    receipt = await submit_topic(service, topic(), secret="s3cret")
    [event] = service.published(TopicSubmitted)
    assert event.receipt_check and receipt.receipt_code not in event.model_dump_json()
    assert matches("s3cret", event.topic_id, receipt.receipt_code, event.receipt_check)
    assert not matches("other", event.topic_id, receipt.receipt_code, event.receipt_check)
