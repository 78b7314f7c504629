"""Use case: take a topic in. The event, its outbox row, the receipt view and the submission's
row (receipt code, private contact data, idempotency key) commit in one unit of work."""

from dataclasses import dataclass
from uuid import UUID, uuid4

from yishi_contracts import SubmitterKind, TopicSubmitted

from services.kit.auth import Actor, Role
from services.kit.commands import Change, Context, concurrent_change
from services.kit.ports import Service
from services.kit.unit_of_work import UnitOfWork

from ..domain.receipt import new_receipt_code
from ..domain.submission import Submission, SubmitTopic, submit
from .ports import IntakeViews, NewSubmission

STAFF_ROLES = (Role.staff, Role.council_member, Role.council_chair, Role.party_government)
"""Who may enter a topic on someone's behalf (代录)."""
ATTEMPTS = 3


@dataclass(frozen=True)
class Receipt:
    topic_id: str
    receipt_code: str
    replayed: bool = False


class SubmissionClash(Exception):
    """The receipt code or the idempotency key was taken meanwhile; the unit of work is undone."""


def taking_in(
    command: SubmitTopic, topic_id: UUID, idempotency_key: str | None
) -> Change[Submission | None, IntakeViews]:
    """The change on the new topic's stream; nothing new when the idempotency key is on file."""

    async def decide(_: Submission | None, ctx: Context[IntakeViews]) -> list[object]:
        event = submit(command, now=ctx.now, topic_id=topic_id)
        if idempotency_key and await ctx.views.submission_with_key(idempotency_key):
            return []
        return [event]

    roles = STAFF_ROLES if command.submitted_by == SubmitterKind.staff else ()
    return Change(str(topic_id), Submission.fold, decide, community=command.community_id, roles=roles)


async def submit_topic(
    service: Service[IntakeViews],
    command: SubmitTopic,
    *,
    actor: Actor | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    idempotency_key: str | None = None,
) -> Receipt:
    topic_id = uuid4()
    change = taking_in(command, topic_id, idempotency_key)

    async def take_in(uow: UnitOfWork[IntakeViews]) -> Receipt:
        done = await service.commands.execute_in(uow, change, actor)
        if not done.events:
            earlier = await uow.views.submission_with_key(idempotency_key or "")
            assert earlier is not None, "decided as taken in before, so it is on file"
            return Receipt(str(earlier.topic_id), earlier.receipt_code, replayed=True)
        [event] = done.events
        assert isinstance(event, TopicSubmitted)
        receipt_code = new_receipt_code()
        kept = await uow.views.add_submission(NewSubmission(
            topic_id=topic_id, receipt_code=receipt_code, community_id=event.community_id,
            submitted_at=event.submitted_at, contact_name=contact_name, contact_phone=contact_phone,
            idempotency_key=idempotency_key,
        ))
        if not kept:
            raise SubmissionClash(topic_id)
        return Receipt(str(topic_id), receipt_code)

    for _attempt in range(ATTEMPTS):
        try:
            return await service.commands.retrying(take_in)
        except SubmissionClash:
            # The same idempotency key raced in from a double tap, or (once in 2^50) a receipt
            # code collided: look again, and the retry either replays or draws a new code.
            continue
    raise concurrent_change()
