"""The query of a staff list of topics (议题清单) and its rows, checked once whatever reads it.

Dates are China-time calendar days (a topic submitted at 23:30 on 1 March, Beijing time, is
a 1 March topic); the title search is NFKC-normalised and case-insensitive, so a full-width
"ＡＢＣ" finds "abc".
"""

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from uuid import UUID

from yishi_contracts import Category, Channel, Status, TopicSource

from services.kit.auth import Role
from services.kit.refusal import CHINA_TIME, INVALID

from ..domain.refusal import CouncilRefused

LIST_READERS = (
    Role.staff, Role.council_chair, Role.council_member, Role.party_committee, Role.party_government, Role.cppcc_office,
    Role.street_office, Role.district_office, Role.city_office,
)
"""Who may read the lists; the actor's division scope decides which communities (a street's
or a district's office holds a 9- or 6-digit prefix)."""

MAX_LIMIT = 100


class TopicSort(StrEnum):
    newest = "newest"  # latest submission first
    oldest = "oldest"  # earliest submission first
    last_step = "last_step"  # most recently moved first


def search_key(text: str) -> str:
    """What a title and a search term are compared as: NFKC, lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def china_day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=CHINA_TIME)


@dataclass(frozen=True)
class TopicQuery:
    """One page of a list of topics: the communities (a code or a prefix) and the filters."""

    within: str
    """A community's code, or the division prefix of the communities listed."""
    statuses: frozenset[Status] = frozenset()
    title_contains: str | None = None
    """Already a ``search_key``; None for no search."""
    sources: frozenset[TopicSource] = frozenset()
    channels: frozenset[Channel] = frozenset()
    categories: frozenset[Category] = frozenset()
    submitted_from: datetime | None = None
    """Inclusive: the start of the first China-time day."""
    submitted_before: datetime | None = None
    """Exclusive: the start of the China-time day after the last."""
    sort: TopicSort = TopicSort.newest
    limit: int = 20
    offset: int = 0


def topic_query(
    within: str, *, statuses: frozenset[Status] = frozenset(), title: str | None = None,
    sources: frozenset[TopicSource] = frozenset(), channels: frozenset[Channel] = frozenset(),
    categories: frozenset[Category] = frozenset(), submitted_from: date | None = None,
    submitted_to: date | None = None, sort: TopicSort = TopicSort.newest, limit: int = 20, offset: int = 0,
) -> TopicQuery:
    """The query for these filters, or a refusal saying which one cannot be."""
    if submitted_from and submitted_to and submitted_from > submitted_to:
        raise CouncilRefused(
            "period_reversed", f"开始日期（{submitted_from}）晚于结束日期（{submitted_to}）",
            f"submitted_from ({submitted_from}) is after submitted_to ({submitted_to})", kind=INVALID,
        )
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise CouncilRefused("page_out_of_range", f"每页 1 至 {MAX_LIMIT} 条，起始位置不能为负",
                             f"limit must be 1..{MAX_LIMIT} and offset not negative", kind=INVALID)
    key = search_key(title).strip() if title else ""
    return TopicQuery(
        within=within, statuses=statuses, title_contains=key or None, sources=sources, channels=channels,
        categories=categories, submitted_from=china_day_start(submitted_from) if submitted_from else None,
        submitted_before=china_day_start(submitted_to + timedelta(days=1)) if submitted_to else None,
        sort=sort, limit=limit, offset=offset,
    )


@dataclass(frozen=True)
class TopicListRow:
    topic_id: UUID
    community_id: str
    title: str
    status: Status
    source: str
    channel: str
    category: str | None
    """The category it was accepted in; None before (or without) acceptance."""
    submitted_at: datetime
    last_step_at: datetime


@dataclass(frozen=True)
class TopicPage:
    total: int
    rows: list[TopicListRow] = field(default_factory=list)
