"""Idempotency keys (幂等键): a client sending one submission twice gets one topic.

A key means something only for one caller in one community: a staff member's keys are theirs
(scoped by their actor id), a resident's are the key alone within the community. The key is
kept with a digest of the normalised request, so a replay of the same request gets the first
receipt again, and a reuse for a different request is refused instead of being answered with
someone else's receipt while the new topic is silently dropped.
"""

import hashlib
import json
import re
from dataclasses import dataclass

from yishi_contracts import SubmitterKind

from services.kit.refusal import INVALID, RefusalKind

from .submission import SubmissionRefused, SubmitTopic

KEY_MAX_LENGTH = 100
KEY_PATTERN = r"^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$"
"""Visible ASCII, inner spaces allowed (as a JSON Schema pattern too)."""
_KEY = re.compile(KEY_PATTERN)
RESIDENT = "resident"
"""The caller of every resident's submission: a resident's key is scoped by community alone."""


@dataclass(frozen=True)
class IdempotencyKey:
    """A key in its scope, with the digest of the request it was sent with."""

    key: str
    caller: str
    request_digest: str


def _refused(message_zh: str, message_en: str) -> SubmissionRefused:
    return SubmissionRefused("invalid_idempotency_key", message_zh, message_en, kind=RefusalKind.malformed)


def checked_key(raw: str | None) -> str | None:
    """The key as sent (None: no header), or a 400 refusal saying what is wrong with it."""
    if raw is None:
        return None
    if not raw.strip():
        raise _refused(
            "Idempotency-Key 不能为空：请发送 1 至 100 个可见 ASCII 字符（如 UUID），或不发送该请求头",
            "Idempotency-Key is empty: send 1 to 100 visible ASCII characters (a UUID, say), or no such header",
        )
    if len(raw) > KEY_MAX_LENGTH:
        raise _refused(
            f"Idempotency-Key 过长（{len(raw)} 个字符），最多 {KEY_MAX_LENGTH} 个",
            f"Idempotency-Key has {len(raw)} characters; at most {KEY_MAX_LENGTH} are allowed",
        )
    if not _KEY.fullmatch(raw):
        raise _refused(
            "Idempotency-Key 只能包含可见的 ASCII 字符（字母、数字、符号，如 UUID），不能有控制字符或首尾空格",
            "Idempotency-Key may contain visible ASCII characters only (letters, digits, symbols: a UUID, say), "
            "no control characters and no leading or trailing space",
        )
    return raw


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
    text = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


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
