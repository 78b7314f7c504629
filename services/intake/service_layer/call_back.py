"""Use cases of calling a submitter back: read a topic's contact (each read recorded in the same
transaction), and list the reads for an audit."""

import logging
from uuid import UUID

from services.kit.auth import Actor, role_not_allowed
from services.kit.ports import Service
from services.kit.unit_of_work import UnitOfWork

from ..domain.contact import (
    AUDITORS,
    CALLERS,
    PAGE_SIZE,
    ContactRead,
    SubmitterContact,
    audited_division,
    page_number,
    read_by,
    topic_not_found,
)
from .ports import IntakeViews

log = logging.getLogger(__name__)


async def read_contact(service: Service[IntakeViews], actor: Actor, topic_id: UUID) -> SubmitterContact:
    """The submitter's contact, answered only once its read is recorded (403 for another role or
    another community's topic, 404 for an unknown topic or one without a contact)."""
    if not actor.has(*CALLERS):
        raise role_not_allowed(CALLERS)

    async def work(uow: UnitOfWork[IntakeViews]) -> SubmitterContact:
        contact = await uow.views.submitter_contact(topic_id)
        if contact is None:
            raise topic_not_found()
        actor.ensure_community(contact.community_id)
        await uow.views.record_contact_read(read_by(actor, contact, now=service.clock.now()))
        return contact

    contact = await service.commands.retrying(work)
    # The audit trail in the logs too: who and which topic, never what was read.
    log.info("submitter's contact read by %s", actor.id,
             extra={"topic_id": str(topic_id), "community_id": contact.community_id, "reader_id": actor.id})
    return contact


async def list_contact_reads(
    service: Service[IntakeViews], actor: Actor, division: str | None, page: int = 1
) -> tuple[str, list[ContactRead]]:
    """One page of the reads over a division the auditor covers, the latest first."""
    if not actor.has(*AUDITORS):
        raise role_not_allowed(AUDITORS)
    within = audited_division(actor, division)
    offset = (page_number(page) - 1) * PAGE_SIZE
    async with service.reading() as views:
        return within, await views.contact_reads(within, limit=PAGE_SIZE, offset=offset)
