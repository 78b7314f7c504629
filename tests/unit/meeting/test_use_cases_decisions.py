"""The meeting service's use cases in session, in memory (no servers): dissent, consensus,
votes, deferral, dropping and closing, with the public events they publish."""

from datetime import date, timedelta
from uuid import UUID

import pytest
from yishi_contracts import Measure, ResolutionAdopted, TopicDeferred, TopicDropped

from services.kit.auth import Actor, Role
from services.kit.errors import status_of
from services.kit.refusal import Refusal
from services.meeting.domain import MeetingStatus, TopicStatus, VoteChoice
from services.meeting.service_layer import community as cu
from services.meeting.service_layer import meetings as uc

from .fakes import fake_service
from .upstream import CHAIR, COMMUNITY, MEMBER_IDS, STAFF, council, member, topic

MEASURES = [Measure(description="改造社区闲置用房为爱心驿站", responsible_party="社区居委会", deadline=date(2026, 12, 31))]
TEXT = "将社区闲置用房改造为环卫工人爱心驿站，提供休息、饮水和热饭。"


async def refused(call, error: str, status: int) -> Refusal:
    with pytest.raises(Refusal) as caught:
        await call
    assert (caught.value.error, status_of(caught.value)) == (error, status)
    return caught.value


async def in_session(service, topics: int = 1, present: int = 7) -> tuple[UUID, list[UUID]]:
    """A convened meeting with the chair and ``present`` fixed members arrived, opened."""
    council(service)
    agenda = [topic(service) for _ in range(topics)]
    done = await uc.schedule(service, CHAIR, community_id=COMMUNITY, agenda=agenda,
                             scheduled_for=service.clock.now() + timedelta(hours=2))
    mid = done.after.meeting_id
    for person in [CHAIR.id, *MEMBER_IDS[:present]]:
        await uc.record_attendance(service, STAFF, mid, person, arrived=True)
    await uc.open_meeting(service, CHAIR, mid)
    return mid, agenda


async def test_dissent_is_recorded_as_the_member_or_for_them_and_carried_into_the_resolution() -> None:
    service = fake_service()
    mid, [subject] = await in_session(service)
    opinion = "用房面积不足，建议另选地点"
    await uc.record_dissent(service, member("m7"), mid, subject, None, opinion)
    await refused(uc.record_dissent(service, STAFF, mid, subject, None, opinion), "member_required", 422)
    await refused(uc.record_dissent(service, member("m1"), mid, subject, "m2", opinion), "not_yourself", 403)
    await refused(uc.record_dissent(service, STAFF, mid, subject, "m2", "不同意"), "dissent_length", 422)
    done = await uc.adopt_by_consensus(service, CHAIR, mid, subject, TEXT, MEASURES)
    [adopted] = service.published(ResolutionAdopted)
    assert adopted.method == "consensus" and adopted.dissent == [opinion] and adopted.tally is None
    assert (adopted.attendance.fixed_members_present, adopted.attendance.fixed_members_total) == (7, 9)
    assert done.after.topics[subject].status is TopicStatus.adopted


async def test_consensus_is_the_chairs_and_needs_measures_in_the_future() -> None:
    service = fake_service()
    mid, [subject] = await in_session(service)
    await refused(uc.adopt_by_consensus(service, STAFF, mid, subject, TEXT, MEASURES), "role_not_allowed", 403)
    past = [Measure(description="设休息点", responsible_party="居委会", deadline=date(2026, 1, 1))]
    await refused(uc.adopt_by_consensus(service, CHAIR, mid, subject, TEXT, past), "deadline_in_past", 422)
    await refused(uc.adopt_by_consensus(service, CHAIR, mid, subject, TEXT, []), "no_measures", 422)
    assert not service.published(ResolutionAdopted)


async def test_a_vote_opened_cast_and_closed_adopts_and_publishes_the_resolution() -> None:
    service = fake_service()
    mid, [subject] = await in_session(service)
    await uc.open_vote(service, CHAIR, mid, subject, TEXT, MEASURES)
    for m in MEMBER_IDS[:5]:
        await uc.cast_vote(service, member(m), mid, subject, None, VoteChoice.in_favour)
    await uc.cast_vote(service, STAFF, mid, subject, "m6", VoteChoice.in_favour)  # a show of hands
    await uc.cast_vote(service, CHAIR, mid, subject, "m7", VoteChoice.against)
    await refused(uc.cast_vote(service, member("m1"), mid, subject, None, VoteChoice.against), "already_voted", 409)
    await refused(uc.cast_vote(service, CHAIR, mid, subject, "m9", VoteChoice.in_favour), "not_a_voting_member", 409)
    done = await uc.close_vote(service, CHAIR, mid, subject)
    closed = done.events[0]
    assert closed.adopted and closed.voting_present == 7
    [adopted] = service.published(ResolutionAdopted)
    assert adopted.method == "vote" and (adopted.tally.in_favour, adopted.tally.against) == (6, 1)
    candidate = (await service.views.candidates(COMMUNITY))[subject]
    assert candidate.decided and not candidate.researched


async def test_no_vote_once_the_quorum_has_left() -> None:
    service = fake_service()
    mid, [subject] = await in_session(service, present=6)
    await uc.open_vote(service, CHAIR, mid, subject, TEXT, MEASURES)
    await uc.record_attendance(service, STAFF, mid, "m1", arrived=False)
    error = await refused(uc.cast_vote(service, member("m2"), mid, subject, None, VoteChoice.in_favour),
                          "no_quorum", 409)
    assert error.body()["present"] == 5 and "法定人数" in error.message_zh
    await refused(uc.close_vote(service, CHAIR, mid, subject), "no_quorum", 409)


async def test_a_deferral_publishes_topic_deferred_and_sends_the_topic_back_to_research() -> None:
    service = fake_service()
    mid, [subject] = await in_session(service)
    await refused(uc.defer_topic(service, CHAIR, mid, subject, "  "), "reason_required", 422)
    done = await uc.defer_topic(service, CHAIR, mid, subject, "需补充调研驿站的面积和消防条件")
    assert done.after.topics[subject].status is TopicStatus.deferred
    [deferred] = service.published(TopicDeferred)
    assert (deferred.meeting_id, deferred.reason) == (mid, "需补充调研驿站的面积和消防条件")
    await refused(uc.drop_topic(service, CHAIR, mid, subject, "不再协商此事"), "topic_decided", 409)
    assert subject not in [c.topic_id for c in await cu.ready_for_agenda(service, COMMUNITY)]
    again = uc.schedule(service, CHAIR, community_id=COMMUNITY, agenda=[subject],
                        scheduled_for=service.clock.now() + timedelta(days=1))
    await refused(again, "topic_not_researched", 409)


async def test_dropping_publishes_topic_dropped_and_the_topic_is_decided() -> None:
    service = fake_service()
    mid, [subject] = await in_session(service)
    await refused(uc.drop_topic(service, STAFF, mid, subject, "属个体矛盾，转人民调解"), "role_not_allowed", 403)
    await uc.drop_topic(service, CHAIR, mid, subject, "属个体矛盾，转人民调解")
    [dropped] = service.published(TopicDropped)
    assert dropped.community_id == COMMUNITY and dropped.reason == "属个体矛盾，转人民调解"
    again = uc.schedule(service, CHAIR, community_id=COMMUNITY, agenda=[subject],
                        scheduled_for=service.clock.now() + timedelta(days=1))
    await refused(again, "topic_decided", 409)


async def test_closing_needs_every_topic_decided_and_shows_in_the_list() -> None:
    service = fake_service()
    mid, [first, second] = await in_session(service, topics=2)
    await uc.adopt_by_consensus(service, CHAIR, mid, first, TEXT, MEASURES)
    await refused(uc.close_meeting(service, CHAIR, mid), "topics_undecided", 409)
    await uc.defer_topic(service, CHAIR, mid, second, "需征求交警意见")
    other_chair = Actor(CHAIR.id, frozenset({Role.council_chair}), "330102001052")
    await refused(uc.close_meeting(service, other_chair, mid), "outside_your_community", 403)
    done = await uc.close_meeting(service, CHAIR, mid)
    assert done.after.status is MeetingStatus.closed
    [listed] = await cu.meetings(service, STAFF, COMMUNITY)
    assert listed.status is MeetingStatus.closed
    assert listed.outcomes == {str(first): "adopted", str(second): "deferred"}
    await refused(uc.record_attendance(service, STAFF, mid, "m8", arrived=True), "meeting_closed", 409)
