"""The domain pieces the wiring needs: who may convene (1+7 with a CPPCC member, in term)
and the public companions recorded beside the meeting's private facts."""

from datetime import date

import pytest
import yishi_contracts as public
from yishi_contracts import MemberCategory

from services.meeting.domain import DeferTopic, DropTopic, Meeting, MeetingRefused
from services.meeting.domain.public import with_public
from services.meeting.domain.roster import RosterMember, convening_members

from .builders import COMMUNITY, NOW, TOPIC_A, TOPIC_B, in_session, schedule

DAY = date(2026, 12, 1)


def member(i: int, category: MemberCategory = MemberCategory.resident_representative, end: date = date(2028, 1, 1)):
    return RosterMember(f"m{i}", category, date(2026, 1, 1), end)


def council(n: int = 7, cppcc: bool = True) -> list[RosterMember]:
    members = [member(i) for i in range(1, n + 1)]
    if cppcc:
        members[0] = member(1, MemberCategory.cppcc_member)
    return members


def test_a_council_with_its_chair_seven_members_in_term_and_a_cppcc_member_convenes() -> None:
    assert convening_members("chair", council(), DAY) == {f"m{i}" for i in range(1, 8)}


@pytest.mark.parametrize(
    ("chair", "members"),
    [
        (None, council()),
        ("chair", council(6)),
        ("chair", council(cppcc=False)),
        ("chair", [*council(6), member(7, end=date(2026, 11, 30))]),  # one term ended before the meeting
    ],
)
def test_an_incomplete_council_cannot_convene(chair: str | None, members: list[RosterMember]) -> None:
    with pytest.raises(MeetingRefused) as caught:
        convening_members(chair, members, DAY)
    assert caught.value.error == "council_incomplete" and "7" in caught.value.message_zh


def test_members_out_of_term_are_not_invited() -> None:
    members = [*council(8), member(9, end=date(2026, 6, 30))]
    assert "m9" not in convening_members("chair", members, DAY)


def test_scheduling_is_published_with_its_agenda() -> None:
    events = with_public(COMMUNITY, Meeting().decide(schedule(), now=NOW))
    private, published = events
    assert isinstance(published, public.MeetingScheduled)
    assert published.topic_ids == [TOPIC_A, TOPIC_B] and published.meeting_id == private.meeting_id
    assert published.place == private.place and published.scheduled_for == private.scheduled_for


def test_deferral_and_dropping_are_published_and_a_replay_ignores_the_public_side() -> None:
    meeting = in_session()
    deferred = with_public(COMMUNITY, meeting.execute(DeferTopic(TOPIC_A, "需补充调研驿站面积"), now=NOW))
    dropped = with_public(COMMUNITY, meeting.execute(DropTopic(TOPIC_B, "属个体矛盾，转人民调解"), now=NOW))
    assert isinstance(deferred[1], public.TopicDeferred) and deferred[1].deferred_at == NOW
    assert isinstance(dropped[1], public.TopicDropped) and dropped[1].community_id == COMMUNITY
    assert deferred[1].reason == "需补充调研驿站面积"

    history = with_public(COMMUNITY, Meeting().decide(schedule(), now=NOW))
    replayed = Meeting.fold(history)
    assert replayed.topics.keys() == {TOPIC_A, TOPIC_B}
