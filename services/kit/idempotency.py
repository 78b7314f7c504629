"""Idempotency keys (幂等键), the pure rules every service keeps them by.

A client sends ``Idempotency-Key`` with a command to say "this is one action of mine, however
many times it arrives": a double click, or a retry after an answer lost on the way. A key is
1–100 visible ASCII characters and means something only in its scope (the service and the
actor who sent it). It is kept with a digest of the request it came with, so a replay of the
same request gets the first answer again, and a reuse for another request is refused instead
of being answered with the earlier request's result while the new one is silently dropped.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .refusal import INVALID, Refusal, RefusalKind

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
"""Set (``true``) on the answer to a replay: the answer is the one the first request got."""
KEY_MAX_LENGTH = 100
KEY_PATTERN = r"^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$"
"""Visible ASCII, inner spaces allowed (as a JSON Schema pattern too)."""
_KEY = re.compile(KEY_PATTERN)
RETENTION = timedelta(hours=24)
"""How long a key is kept: a day covers every retry a person or a client makes of one action
(a browser tab left open overnight starts a new one), and keeps the table small."""


def _refused(message_zh: str, message_en: str) -> Refusal:
    return Refusal("invalid_idempotency_key", message_zh, message_en, kind=RefusalKind.malformed)


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


def canonical_digest(canonical: Any) -> str:
    """SHA-256 of a JSON value in its canonical form (sorted keys, no spaces): the same value
    digests alike however its JSON was spelled."""
    text = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def request_digest(method: str, path: str, body: bytes) -> str:
    """The digest of a request: its method, path and JSON body as parsed. A body that is not
    JSON (a CSV import; or one the route will refuse) counts by its bytes."""
    parsed: Any
    try:
        parsed = {"json": json.loads(body)} if body else None
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested beyond reading
        parsed = {"bytes": hashlib.sha256(body).hexdigest()}
    return canonical_digest({"method": method.upper(), "path": path, "body": parsed})


@dataclass(frozen=True)
class KeyedRequest:
    """A request sent with a key, in its scope: (service, actor, key)."""

    service: str
    actor_id: str
    key: str
    route: str
    digest: str


@dataclass(frozen=True)
class KeptAnswer:
    """What a key is on file with: the request's digest and the answer it got."""

    route: str
    digest: str
    status: int
    body: Any
    kept_at: datetime


def key_reused() -> Refusal:
    return Refusal(
        "idempotency_key_reused",
        "该 Idempotency-Key 已用于另一个内容不同的请求；新的操作请使用新的键",
        "this Idempotency-Key was already used for a different request; send a new action with a new key",
        kind=INVALID,
    )


def replayed(request: KeyedRequest, kept: KeptAnswer) -> KeptAnswer:
    """The kept answer, if ``request`` is the one the key was first sent with; else 422."""
    if kept.digest != request.digest or kept.route != request.route:
        raise key_reused()
    return kept


def expired_before(now: datetime) -> datetime:
    """Keys kept before this are forgotten: a request with one of them runs as a new one."""
    return now - RETENTION
