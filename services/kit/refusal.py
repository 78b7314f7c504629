"""What every service refuses with, and the time its communities keep.

A refusal (拒绝办理) names the rule it enforces with a stable ``error`` code, explains
itself to a resident in Chinese and to an engineer in English, and says its kind where it
is raised: an invalid request, forbidden by the procedure now, not found, or not yours.
The kit maps the kind to an HTTP status once (``errors.py``); nothing else does. Pure
values: domain layers raise them without any I/O.
"""

from datetime import timedelta, timezone
from enum import StrEnum
from typing import Any

CHINA_TIME = timezone(timedelta(hours=8), "CST")
"""Communities keep Beijing time (UTC+8, no daylight saving): terms, deadlines, "today"."""


class RefusalKind(StrEnum):
    invalid = "invalid"
    """The request itself is wrong (HTTP 422)."""
    not_now = "not_now"
    """The procedure forbids it in the current state (HTTP 409)."""
    not_found = "not_found"
    """What it names does not exist (HTTP 404)."""
    not_yours = "not_yours"
    """Another role's or another community's business (HTTP 403)."""
    unauthenticated = "unauthenticated"
    """No valid sign-in (HTTP 401)."""
    malformed = "malformed"
    """Not even readable as a request: a malformed code or header (HTTP 400)."""
    too_large = "too_large"
    """The request is larger than allowed (HTTP 413)."""
    unavailable = "unavailable"
    """A dependency is down; try again later (HTTP 503)."""


INVALID = RefusalKind.invalid
NOT_NOW = RefusalKind.not_now
NOT_FOUND = RefusalKind.not_found
NOT_YOURS = RefusalKind.not_yours


class Refusal(ValueError):
    """A command a rule will not carry out; ``str()`` is the English message.

    ``extra`` carries structured details for the response body (e.g. the quorum's figures).
    """

    kind: RefusalKind = RefusalKind.not_now

    def __init__(
        self, error: str, message_zh: str, message_en: str, *, kind: RefusalKind | None = None, **extra: Any
    ) -> None:
        super().__init__(message_en)
        self.error = error
        self.message_zh = message_zh
        self.message_en = message_en
        if kind is not None:
            self.kind = kind
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"error": self.error, "message_zh": self.message_zh, "message_en": self.message_en, **self.extra}
