"""A refusal (拒绝办理): a council rule said no, in both languages, with a stable error code."""

from datetime import date, datetime

from services.kit.refusal import CHINA_TIME, INVALID, Refusal

__all__ = ["CHINA_TIME", "CouncilRefused", "local_date"]


class CouncilRefused(Refusal):
    """A command refused by a council rule; ``error`` is stable, the messages are for people.

    Its kind is said where it is raised: ``INVALID`` for a wrong request, else (the default)
    ``NOT_NOW``: the procedure or the council's state forbids it now."""


def local_date(now: datetime) -> date:
    """The community's calendar date at the instant ``now`` (which must carry a timezone)."""
    if now.tzinfo is None:
        raise CouncilRefused("naive_time", "时间必须带时区", "the time must carry a timezone", kind=INVALID)
    return now.astimezone(CHINA_TIME).date()
