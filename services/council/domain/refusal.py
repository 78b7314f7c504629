"""A refusal (拒绝办理): a council rule said no, in both languages, with a stable error code."""

from datetime import date, datetime, timedelta, timezone

# Communities keep Beijing time (no daylight saving): "today" for a term or a visit is a local date.
CHINA_TIME = timezone(timedelta(hours=8), "CST")


class CouncilRefused(ValueError):
    """A command refused by a council rule; ``error`` is stable, the messages are for people."""

    def __init__(self, error: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.error = error
        self.message_zh = message_zh
        self.message_en = message_en


def local_date(now: datetime) -> date:
    """The community's calendar date at the instant ``now`` (which must carry a timezone)."""
    if now.tzinfo is None:
        raise CouncilRefused("naive_time", "时间必须带时区", "the time must carry a timezone")
    return now.astimezone(CHINA_TIME).date()
