"""What the meeting service hears from intake and council, fed straight into the fake views:
a community's council (a chair, nine fixed members, one a CPPCC member) and researched topics."""

from datetime import date, datetime, timedelta
from uuid import UUID, uuid4

from yishi_contracts import (
    COUNCIL, INTAKE, CouncilCompositionChanged, CouncilMember, Envelope, Event, Invitee, MemberCategory,
    ResearchCompleted, ResearchReopened, SiteVisit, TopicSubmitted,
)

from services.kit.auth import Actor, Role
from services.kit.fakes import FakeService

from .fakes import FakeMeetingViews

COMMUNITY = "330102001051"
CHAIR_ID = "chair-1"
MEMBER_IDS = [f"m{i}" for i in range(1, 10)]
CHAIR = Actor(CHAIR_ID, frozenset({Role.council_chair}), COMMUNITY)
STAFF = Actor("grid-7", frozenset({Role.staff}), COMMUNITY)


def member(member_id: str) -> Actor:
    return Actor(member_id, frozenset({Role.council_member}), COMMUNITY)


def hear(service: FakeService[FakeMeetingViews], event: Event, at: datetime | None = None) -> None:
    source = INTAKE.source if isinstance(event, TopicSubmitted) else COUNCIL.source
    service.views.apply(Envelope.wrap(event, source=source, time=at or service.clock.now()))


def council(service: FakeService[FakeMeetingViews], community_id: str = COMMUNITY) -> UUID:
    council_id = uuid4()
    members = [
        CouncilMember(member_id=m, name=f"成员{m}",
                      category=MemberCategory.cppcc_member if i == 0 else MemberCategory.resident_representative,
                      term_start=date(2026, 1, 1), term_end=date(2028, 12, 31))
        for i, m in enumerate(MEMBER_IDS)
    ]
    hear(service, CouncilCompositionChanged(community_id=community_id, council_id=council_id, chair_id=CHAIR_ID,
                                            chair_name="王主席", fixed_members=members,
                                            changed_at=service.clock.now()))
    return council_id


def topic(service: FakeService[FakeMeetingViews], *, research: bool = True, hours_ago: int = 24,
          community_id: str = COMMUNITY) -> UUID:
    """A submitted topic, its research completed ``hours_ago`` (two invitees named)."""
    topic_id = uuid4()
    now = service.clock.now()
    hear(service, TopicSubmitted(topic_id=topic_id, community_id=community_id, title="环卫工人无处歇脚",
                                 description="中山街一带的环卫工人没有地方休息、喝水和吃饭。", source="resident",
                                 channel="online", submitted_by="resident", submitted_at=now - timedelta(days=10)))
    if research:
        researched(service, topic_id, now - timedelta(hours=hours_ago), community_id)
    return topic_id


def researched(service: FakeService[FakeMeetingViews], topic_id: UUID, at: datetime,
               community_id: str = COMMUNITY) -> None:
    hear(service, ResearchCompleted(
        topic_id=topic_id, community_id=community_id, council_id=uuid4(), researchers=["m1", "m2"],
        site_visits=[SiteVisit(visited_on=date(2026, 2, 20), place="中山街环卫站", notes="无休息场所")],
        findings="附近有闲置的社区用房可改造", feasibility="feasible", consultation_plan="改造社区闲置用房为爱心驿站",
        invitees=[Invitee(kind="stakeholder", description="环卫工人代表"),
                  Invitee(kind="community_station", description="社区卫生站")],
        completed_at=at,
    ))


def reopened(service: FakeService[FakeMeetingViews], topic_id: UUID, at: datetime) -> None:
    hear(service, ResearchReopened(topic_id=topic_id, community_id=COMMUNITY, council_id=uuid4(),
                                   cause="objection_upheld", reason="居民异议成立，需重新调研", reopened_at=at))
