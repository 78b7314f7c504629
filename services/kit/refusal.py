"""What every service's domain refuses with, and the time its communities keep.

A refusal (拒绝办理) names the rule it enforces with a stable ``error`` code and explains
itself to a resident in Chinese and to an engineer in English. Pure values: the domain
layers use them without any I/O.
"""

from datetime import timedelta, timezone

CHINA_TIME = timezone(timedelta(hours=8), "CST")
"""Communities keep Beijing time (UTC+8, no daylight saving): terms, deadlines, "today"."""


class DomainRefusal(ValueError):
    """A command a domain rule will not carry out; ``str()`` is the English message."""

    def __init__(self, error: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.error = error
        self.message_zh = message_zh
        self.message_en = message_en
