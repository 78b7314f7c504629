"""Valid events to start tests from."""

from datetime import UTC, date, datetime
from uuid import UUID, uuid4

from yishi_contracts import (
    Accepted,
    Attendance,
    Measure,
    ResearchCompleted,
    ResolutionAdopted,
    SiteVisit,
    TopicScreened,
    TopicSubmitted,
)

COMMUNITY = "330102001001"
NOW = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


def submitted(topic_id: UUID | None = None, community_id: str = COMMUNITY, **over: object) -> TopicSubmitted:
    fields = dict(
        topic_id=topic_id or uuid4(),
        community_id=community_id,
        title="环卫工人无处歇脚",
        description="中山街一带的环卫工人没有地方休息、喝水和吃饭。",
        location="中山街",
        source="resident",
        channel="online",
        submitted_by="resident",
        submitted_at=NOW,
    )
    return TopicSubmitted(**{**fields, **over})


def screened(topic_id: UUID, community_id: str = COMMUNITY, decision: object = None) -> TopicScreened:
    return TopicScreened(
        topic_id=topic_id,
        community_id=community_id,
        council_id=uuid4(),
        decision=decision or Accepted(category="public_welfare"),
        screened_by="member-chair",
        screened_at=NOW,
    )


def researched(topic_id: UUID, community_id: str = COMMUNITY) -> ResearchCompleted:
    return ResearchCompleted(
        topic_id=topic_id,
        community_id=community_id,
        council_id=uuid4(),
        researchers=["member-1", "member-2"],
        site_visits=[SiteVisit(visited_on=date(2026, 11, 20), place="中山街环卫站", notes="无休息场所")],
        findings="附近有闲置的社区用房可改造",
        feasibility="feasible",
        consultation_plan="改造社区闲置用房为爱心驿站",
        completed_at=NOW,
    )


def adopted(topic_id: UUID, community_id: str = COMMUNITY) -> ResolutionAdopted:
    return ResolutionAdopted(
        topic_id=topic_id,
        community_id=community_id,
        meeting_id=uuid4(),
        resolution_id=uuid4(),
        text="将社区闲置用房改造为环卫工人爱心驿站",
        measures=[Measure(description="改造用房", responsible_party="社区居委会", deadline=date(2026, 12, 31))],
        method="vote",
        tally={"in_favour": 7, "against": 1, "abstain": 0},
        attendance=Attendance(fixed_members_total=9, fixed_members_present=8, invitees_present=2),
        adopted_at=NOW,
    )
