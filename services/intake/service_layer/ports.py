"""Intake's views port: the submissions (receipt codes, private contact data, idempotency
keys) and the receipt view, as the use cases see them."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from yishi_contracts import Status


@dataclass(frozen=True)
class NewSubmission:
    """The row intake keeps beside a TopicSubmitted: what no event may carry."""

    topic_id: UUID
    receipt_code: str
    community_id: str
    submitted_at: datetime
    contact_name: str | None = None
    contact_phone: str | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Filed:
    """A submission on file, found by its receipt code or idempotency key."""

    topic_id: UUID
    receipt_code: str
    community_id: str


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
    async def add_submission(self, submission: NewSubmission) -> bool:
        """Keep the submission's row; False, keeping nothing, when its topic, receipt code or
        idempotency key is already on file (a committed concurrent submission included)."""
        ...

    async def submission_with_key(self, idempotency_key: str) -> Filed | None: ...

    async def submission_with_code(self, receipt_code: str) -> Filed | None: ...

    async def progress_status(self, topic_id: UUID) -> Status | None:
        """Where the topic stands in the receipt view; None before the view has it."""
        ...

    async def receipt(self, receipt_code: str) -> ReceiptView | None: ...
