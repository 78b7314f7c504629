"""Idempotency keys (幂等键): a client sending one submission twice gets one topic.

A key means something only for one caller in one community: a staff member's keys are theirs
(scoped by their actor id), a resident's are the key alone within the community. The key is
kept with a digest of the normalised request, so a replay of the same request gets the first
receipt again, and a reuse for a different request is refused instead of being answered with
someone else's receipt while the new topic is silently dropped.
"""

from dataclasses import dataclass

from yishi_contracts import SubmitterKind

from services.kit.idempotency import KEY_MAX_LENGTH, KEY_PATTERN, canonical_digest, checked_key
from services.kit.refusal import INVALID

from .submission import SubmissionRefused, SubmitTopic

__all__ = ["KEY_MAX_LENGTH", "KEY_PATTERN", "RESIDENT", "IdempotencyKey", "caller_of", "checked_key", "ensure_same_request",
           "idempotency", "request_digest"]
RESIDENT = "resident"
"""The caller of every resident's submission: a resident's key is scoped by community alone."""


@dataclass(frozen=True)
class IdempotencyKey:
    """A key in its scope, with the digest of the request it was sent with."""

    key: str
    caller: str
    request_digest: str


def caller_of(command: SubmitTopic) -> str:
    """Whose keys a submission's key is among: the staff member's who entered it, else residents'."""
    if command.submitted_by == SubmitterKind.staff and command.staff_id:
        return f"staff:{command.staff_id}"
    return RESIDENT


def request_digest(command: SubmitTopic, contact_name: str | None, contact_phone: str | None) -> str:
    """SHA-256 of the request as validated (whitespace stripped, codes parsed), in a canonical
    JSON form: the same request hashes the same however its JSON was spelled."""
    canonical = {
        "community_id": command.community_id,
        "title": command.title,
        "description": command.description,
        "location": command.location,
        "source": str(command.source),
        "channel": str(command.channel),
        "submitted_by": str(command.submitted_by),
        "staff_id": command.staff_id,
        "contact": {"name": contact_name, "phone": contact_phone},
    }
    return canonical_digest(canonical)


def idempotency(
    raw: str | None, command: SubmitTopic, contact_name: str | None, contact_phone: str | None
) -> IdempotencyKey | None:
    key = checked_key(raw)
    if key is None:
        return None
    return IdempotencyKey(key, caller_of(command), request_digest(command, contact_name, contact_phone))


def ensure_same_request(key: IdempotencyKey, earlier_digest: str | None) -> None:
    """A request under a key already on file is a replay only if it is the same request; another
    is refused. A key kept before digests were (``None``) replays, as every key did then."""
    if earlier_digest is not None and earlier_digest != key.request_digest:
        raise SubmissionRefused(
            "idempotency_key_reused",
            "该 Idempotency-Key 已用于另一份内容不同的提交；新的提交请使用新的键",
            "this Idempotency-Key was already used for a different submission; send a new submission with a new key",
            kind=INVALID,
        )
