"""Intake's views port: the submissions (receipt codes, private contact data, idempotency
keys) and the receipt view, as the use cases see them."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from yishi_contracts import Status

from services.kit.registry import CommunityNames

from ..domain.contact import ContactRead, SubmitterContact
from ..domain.idempotency import IdempotencyKey


@dataclass(frozen=True)
class NewSubmission:
    """The row intake keeps beside a TopicSubmitted: what no event may carry."""

    topic_id: UUID
    receipt_code: str
    community_id: str
    submitted_at: datetime
    contact_name: str | None = None
    contact_phone: str | None = None
    idempotency: IdempotencyKey | None = None
    title: str | None = None
    """What the receipt shows until the receipt view has the topic."""


@dataclass(frozen=True)
class Filed:
    """A submission on file, found by its receipt code or idempotency key."""

    topic_id: UUID
    receipt_code: str
    community_id: str
    request_digest: str | None = None
    """Of the request its idempotency key came with (None: no key, or kept before digests were)."""


@dataclass(frozen=True)
class Filing:
    """What filing a new submission found: kept, or its idempotency key already on file."""

    kept: bool
    earlier: Filed | None = None
    """Not kept: the submission on file under the same key, in the same scope. None when what
    clashed is not visible yet (a concurrent submission of the key just committed) or is not the
    key (the receipt code, drawn again once in 2^50)."""


@dataclass(frozen=True)
class ReceiptView:
    """What a receipt code shows: the topic, where it stands and every step so far."""

    receipt_code: str
    topic_id: UUID
    community_id: str
    title: str | None
    status: Status
    submitted_at: datetime
    history: list[dict[str, Any]]


class IntakeViews(Protocol):
    async def community(self, code: str) -> CommunityNames:
        """The code's names and standing in the registry's replica (``services.kit.registry``)."""
        ...

    async def add_submission(self, submission: NewSubmission) -> Filing:
        """Keep the submission's row, unless its topic, receipt code or idempotency key (in its
        community, for its caller) is on file, a committed concurrent submission included: then
        keep nothing and say what was found, in one round trip."""
        ...

    async def submission_with_code(self, receipt_code: str) -> Filed | None: ...

    async def progress_status(self, topic_id: UUID) -> Status | None:
        """Where the topic stands in the receipt view; None before the view has it."""
        ...

    async def receipt(self, receipt_code: str) -> ReceiptView | None: ...

    async def submitter_contact(self, topic_id: UUID) -> SubmitterContact | None:
        """The contact a topic's submitter left, None for a topic not on file."""
        ...

    async def record_contact_read(self, read: ContactRead) -> None: ...

    async def contact_reads(self, division: str, *, limit: int, offset: int) -> list[ContactRead]:
        """The reads of topics in communities under ``division`` (a code prefix), the latest first."""
        ...
