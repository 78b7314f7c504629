"""The query of a community's, a street's or a district's list of meetings (会议清单) and its rows: when, where, how far
it went, and each agenda topic's title and outcome."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from uuid import UUID

from services.kit.refusal import CHINA_TIME, INVALID

from ..domain import MeetingRefused, MeetingStatus
from ..domain.status import status_from

MAX_LIMIT = 100


class AgendaOutcome(StrEnum):
    adopted = "adopted"  # 形成决议
    deferred = "deferred"  # 暂缓，退回调研
    dropped = "dropped"  # 不再协商
    pending = "pending"  # 尚未决定


@dataclass(frozen=True)
class MeetingQuery:
    within: str
    """A community's code, or the division prefix (a street's 9 digits, a district's 6) of the communities listed."""
    held_from: datetime | None = None
    """Inclusive: the start of the first China-time day of the meetings' date."""
    held_before: datetime | None = None
    """Exclusive: the start of the China-time day after the last."""
    limit: int = 20
    offset: int = 0


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=CHINA_TIME)


def meeting_query(within: str, *, held_from: date | None = None, held_to: date | None = None,
                  limit: int = 20, offset: int = 0) -> MeetingQuery:
    """The query for these filters, or a refusal saying which one cannot be."""
    if held_from and held_to and held_from > held_to:
        raise MeetingRefused("period_reversed", f"开始日期（{held_from}）晚于结束日期（{held_to}）",
                             f"held_from ({held_from}) is after held_to ({held_to})", kind=INVALID)
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise MeetingRefused("page_out_of_range", f"每页 1 至 {MAX_LIMIT} 条，起始位置不能为负",
                             f"limit must be 1..{MAX_LIMIT} and offset not negative", kind=INVALID)
    return MeetingQuery(
        within, held_from=_day_start(held_from) if held_from else None,
        held_before=_day_start(held_to + timedelta(days=1)) if held_to else None, limit=limit, offset=offset,
    )


@dataclass(frozen=True)
class AgendaLine:
    topic_id: UUID
    title: str | None
    """None until the topic's submission has reached the meeting service."""
    outcome: AgendaOutcome


@dataclass(frozen=True)
class ListedMeeting:
    meeting_id: UUID
    community_id: str
    council_id: UUID
    scheduled_for: datetime
    place: str
    opened: bool
    closed: bool
    agenda: list[AgendaLine] = field(default_factory=list)

    @property
    def status(self) -> MeetingStatus:
        return status_from(opened=self.opened, closed=self.closed)


@dataclass(frozen=True)
class MeetingPage:
    total: int
    meetings: list[ListedMeeting] = field(default_factory=list)
