"""What every publication use case shares: configuration, stream ids, loading aggregates, refusals."""

import hashlib
import hmac
import logging
import os
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID

import asyncpg
from yishi_contracts import Event

from services.kit.errors import Refusal

from .. import domain as d

PRIVATE_EVENTS: tuple[type, ...] = (
    d.DisclosureStarted, d.ObjectionRaised, d.ObjectionAssessed, d.DisclosureReturnedToCouncil, d.DisclosureConcluded,
    d.ImplementationStarted, d.ProgressReported, d.TaskCompleted, d.ImplementationCompleted, d.SatisfactionRated,
    d.ImplementationClosed, d.ImplementationReopened, d.EscalationGroundRecorded, d.MatterEscalated,
)
"""The domain's private events, stored under ``publication.<Name>.v1`` beside the public ones."""

# Refusals about the request itself (422); every other domain refusal is a state conflict (409).
log = logging.getLogger(__name__)

INVALID_REQUEST = frozenset({
    "text_too_short", "text_too_long", "invalid_percent", "invalid_rating", "invalid_kind", "personal_data_in_objection",
    "tasks_required", "deadline_in_past", "resident_key_required", "assessor_required", "escalator_required",
    "naive_time", "invalid_period",
})
NOT_FOUND = frozenset({"unknown_objection", "unknown_task"})


@dataclass(frozen=True)
class PublicationConfig:
    """The service's settings: the disclosure period, the closing rule, the salt of resident keys."""

    disclosure: d.DisclosurePolicy = field(default_factory=d.DisclosurePolicy)
    closing: d.ClosingRule = field(default_factory=d.ClosingRule)
    resident_salt: str = "yishi-publication"

    @classmethod
    def from_env(cls) -> "PublicationConfig":
        days = float(os.environ.get("YISHI_PUBLICATION_DISCLOSURE_DAYS", "7"))
        salt = os.environ.get("YISHI_PUBLICATION_RESIDENT_SALT")
        if not salt:
            # Phone numbers are a small space: with a known key their hashes can be enumerated.
            log.warning("YISHI_PUBLICATION_RESIDENT_SALT is not set: residents' keys use a public default; "
                        "set a secret in any real deployment")
            salt = "yishi-publication"
        return cls(disclosure=d.DisclosurePolicy(timedelta(days=days)), resident_salt=salt)

    def resident_key(self, phone: str) -> str:
        """A resident's key: HMAC-SHA256 of the phone number under the secret; the number is never kept."""
        return hmac.new(self.resident_salt.encode(), phone.strip().encode(), hashlib.sha256).hexdigest()


def disclosure_stream(resolution_id: UUID) -> str:
    return f"disclosure:{resolution_id}"


def implementation_stream(topic_id: UUID) -> str:
    return f"implementation:{topic_id}"


def escalation_stream(topic_id: UUID) -> str:
    return f"escalation:{topic_id}"


async def load_private(runtime: Any, conn: asyncpg.Connection, stream_id: str) -> tuple[list[Any], int]:
    """An aggregate's own (private) events and the stream's version; the public ones are derived copies."""
    loaded = await runtime.load(conn, stream_id)
    return [e for e in loaded.events if not isinstance(e, Event)], loaded.version


def refusal(exc: d.PublicationRefused) -> Refusal:
    status = 422 if exc.error in INVALID_REQUEST else 404 if exc.error in NOT_FOUND else 409
    return Refusal(status, exc.error, exc.message_zh, exc.message_en)


def not_found(what_zh: str, what_en: str) -> Refusal:
    return Refusal(404, "not_found", f"找不到{what_zh}", f"no {what_en} found")
