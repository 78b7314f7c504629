"""Councils and topics for the council domain tests."""

from datetime import date, datetime, timedelta, timezone
from uuid import UUID, uuid4

from yishi_contracts import Status

from services.council.domain.council import Council, MemberCategory, form_council
from services.council.domain.screening import TopicRef

COMMUNITY = "320585100001"
OTHER_COMMUNITY = "320585100002"
NOW = datetime(2026, 5, 10, 9, 30, tzinfo=timezone(timedelta(hours=8)))
TODAY = NOW.date()
TERM = (date(2026, 1, 1), date(2028, 12, 31))
COUNCIL_ID = UUID("00000000-0000-4000-8000-000000000001")
CATEGORIES = [
    MemberCategory.cppcc_member,
    MemberCategory.two_committees,
    MemberCategory.two_committees,
    MemberCategory.owners_committee,
    MemberCategory.resident_representative,
    MemberCategory.resident_representative,
    MemberCategory.health_station,
]


def step(aggregate, events: list[object] | object):
    """The aggregate with a decision's events (or one event) folded in."""
    for event in events if isinstance(events, list) else [events]:
        aggregate = aggregate.apply(event)
    return aggregate


def empty_council() -> Council:
    council = Council.fold(form_council(COUNCIL_ID, COMMUNITY, now=NOW))
    assert council is not None
    return council


def ready_council(categories: list[MemberCategory] = CATEGORIES, chair: bool = True) -> Council:
    council = empty_council()
    if chair:
        council = step(council, council.appoint_chair("chair", "王书记", now=NOW))
    for i, category in enumerate(categories):
        council = step(council, council.nominate(f"m{i}", f"成员{i}", category, *TERM, now=NOW))
        council = step(council, council.confirm(f"m{i}", now=NOW))
    return council


def topic(status: Status = Status.submitted, *, title: str = "中山街无公厕", community: str = COMMUNITY,
          submitted_at: datetime = NOW, topic_id: UUID | None = None) -> TopicRef:
    return TopicRef(topic_id or uuid4(), community, title, status, submitted_at)
