"""Use case: take a topic in. The event, its outbox row, the receipt view and the submission's
row (receipt code, private contact data, idempotency key) commit in one unit of work.

Nothing is looked up before writing: the row's insert claims the idempotency key, and finds
in the same round trip a key already on file, which undoes the unit of work and answers the
first receipt (or refuses a different request under the same key).
"""

from dataclasses import dataclass
from uuid import UUID, uuid4

from yishi_contracts import SubmitterKind, TopicSubmitted
from yishi_contracts.receipts import receipt_check

from services.kit.auth import Actor, Role
from services.kit.commands import Change, Context, concurrent_change
from services.kit.ports import Service
from services.kit.receipt_secret import receipt_secret
from services.kit.unit_of_work import UnitOfWork

from ..domain.idempotency import ensure_same_request, idempotency
from ..domain.receipt import new_receipt_code
from ..domain.submission import Submission, SubmitTopic, ensure_open_community, submit
from .ports import Filed, IntakeViews, NewSubmission

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


class KeyOnFile(Exception):
    """The idempotency key is on file: the unit of work is undone, the earlier submission answers."""

    def __init__(self, earlier: Filed) -> None:
        super().__init__(earlier.topic_id)
        self.earlier = earlier


def taking_in(command: SubmitTopic, topic_id: UUID, check: str | None = None) -> Change[Submission | None, IntakeViews]:
    """The change on the new topic's stream (its id just drawn: nothing to read first)."""

    async def decide(_: Submission | None, ctx: Context[IntakeViews]) -> list[object]:
        ensure_open_community(command.community_id, await ctx.views.community(command.community_id))
        return [submit(command, now=ctx.now, topic_id=topic_id).model_copy(update={"receipt_check": check})]

    roles = STAFF_ROLES if command.submitted_by == SubmitterKind.staff else ()
    return Change(str(topic_id), Submission.fold, decide, community=command.community_id, roles=roles, creates=True)


async def submit_topic(
    service: Service[IntakeViews],
    command: SubmitTopic,
    *,
    actor: Actor | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    idempotency_key: str | None = None,
    secret: str | None = None,
) -> Receipt:
    """Refuses a community not registered or retired (422), a malformed key (400) and a key
    reused for another request (422); a replay of the same request under its key answers the
    first receipt. The event carries the receipt code's check under ``secret`` (the process's
    ``YISHI_RECEIPT_SECRET`` unless given), never the code."""
    key = idempotency(idempotency_key, command, contact_name, contact_phone)
    topic_id = uuid4()
    secret = secret or receipt_secret()

    async def take_in(uow: UnitOfWork[IntakeViews]) -> Receipt:
        receipt_code = new_receipt_code()
        change = taking_in(command, topic_id, receipt_check(secret, topic_id, receipt_code))
        done = await service.commands.execute_in(uow, change, actor)
        [event] = done.events
        assert isinstance(event, TopicSubmitted)
        filing = await uow.views.add_submission(NewSubmission(
            topic_id=topic_id, receipt_code=receipt_code, community_id=event.community_id,
            submitted_at=event.submitted_at, contact_name=contact_name, contact_phone=contact_phone, idempotency=key,
            title=event.title,
        ))
        if filing.earlier is not None:
            raise KeyOnFile(filing.earlier)
        if not filing.kept:
            raise SubmissionClash(topic_id)
        return Receipt(str(topic_id), receipt_code)

    for _attempt in range(ATTEMPTS):
        try:
            return await service.commands.retrying(take_in)
        except KeyOnFile as on_file:
            assert key is not None, "only a key finds an earlier submission"
            ensure_same_request(key, on_file.earlier.request_digest)
            return Receipt(str(on_file.earlier.topic_id), on_file.earlier.receipt_code, replayed=True)
        except SubmissionClash:
            # The same idempotency key raced in from a double tap, or (once in 2^50) a receipt
            # code collided: look again, and the retry either replays or draws a new code.
            continue
    raise concurrent_change()
