"""The meeting service's use cases up to the opening, in memory (no servers): convening,
invitations, attendance, opening, minutes, and what a community reads and sets."""

from datetime import timedelta
from fractions import Fraction
from uuid import UUID, uuid4

import pytest
from yishi_contracts import InviteeKind, MeetingScheduled
from yishi_contracts.lifecycle import Status

from services.kit.auth import Actor, Role
from services.kit.errors import status_of
from services.kit.refusal import Refusal
from services.meeting.domain import EntryKind, Invitation, MeetingConvened, MeetingStatus, ParticipantsInvited
from services.meeting.service_layer import community as cu
from services.meeting.service_layer import meetings as uc
from services.meeting.service_layer.reading import meeting_detail

from .fakes import fake_service
from .upstream import CHAIR, COMMUNITY, MEMBER_IDS, STAFF, council, reopened, researched, topic


async def refused(call, error: str, status: int) -> Refusal:
    with pytest.raises(Refusal) as caught:
        await call
    assert (caught.value.error, status_of(caught.value)) == (error, status)
    assert caught.value.message_zh and caught.value.message_en
    return caught.value


async def convened(service, *topics: UUID) -> UUID:
    when = service.clock.now() + timedelta(hours=2)
    done = await uc.schedule(service, CHAIR, community_id=COMMUNITY, scheduled_for=when, agenda=list(topics))
    return done.after.meeting_id


async def test_schedule_convenes_researched_topics_and_invites_the_roster_and_their_x() -> None:
    service = fake_service()
    council_id = council(service)
    first, second = topic(service, hours_ago=48), topic(service)
    done = await uc.schedule(service, CHAIR, community_id=COMMUNITY, agenda=[first, second],
                             scheduled_for=service.clock.now() + timedelta(hours=2))
    assert [type(e) for e in done.events] == [MeetingConvened, MeetingScheduled, ParticipantsInvited]
    meeting = done.after
    assert meeting.status is MeetingStatus.scheduled and meeting.convened.council_id == council_id
    assert meeting.fixed_members == set(MEMBER_IDS) and meeting.convened.chair_id == CHAIR.id
    assert list(meeting.guests) == [f"x:{first}:1", f"x:{first}:2", f"x:{second}:1", f"x:{second}:2"]
    [published] = service.published(MeetingScheduled)
    assert published.topic_ids == [first, second] and done.envelopes[0].communityid == COMMUNITY
    assert (await service.views.candidates(COMMUNITY))[first].status is Status.scheduled


async def test_schedule_refuses_what_the_procedure_forbids() -> None:
    service = fake_service()
    when = service.clock.now() + timedelta(hours=2)
    unresearched = topic(service, research=False)
    schedule = lambda actor, agenda: uc.schedule(service, actor, community_id=COMMUNITY, scheduled_for=when,  # noqa: E731
                                                 agenda=agenda)
    await refused(schedule(CHAIR, [unresearched]), "no_council", 409)
    council(service)
    error = await refused(schedule(CHAIR, [unresearched]), "topic_not_researched", 409)
    assert error.message_zh.startswith("不调研不协商")
    reopened_topic = topic(service)
    reopened(service, reopened_topic, service.clock.now())
    await refused(schedule(CHAIR, [reopened_topic]), "topic_not_researched", 409)
    foreign = topic(service, community_id="330102001052")
    await refused(schedule(CHAIR, [foreign]), "topic_not_researched", 409)
    await refused(schedule(STAFF, [topic(service)]), "role_not_allowed", 403)
    elsewhere = Actor("chair-2", frozenset({Role.council_chair}), "330102001052")
    await refused(schedule(elsewhere, [topic(service)]), "outside_your_community", 403)
    assert not service.published(MeetingScheduled) and not service.store.streams


async def test_invite_numbers_new_invitees_after_the_topics_earlier_ones() -> None:
    service = fake_service()
    council(service)
    subject = topic(service)
    mid = await convened(service, subject)
    extra = [Invitation(subject, InviteeKind.community_station, "街道环卫所"),
             Invitation(subject, InviteeKind.stakeholder, "中山街商户", person_id="shop-1")]
    done = await uc.invite(service, STAFF, mid, None, extra)
    assert list(done.after.guests)[-2:] == [f"x:{subject}:3", "shop-1"]
    assert done.after.fixed_members == set(MEMBER_IDS)
    fewer = await uc.invite(service, CHAIR, mid, MEMBER_IDS[:8], [])
    assert fewer.after.fixed_members == set(MEMBER_IDS[:8])
    await refused(uc.invite(service, STAFF, mid, [], []), "empty_roster", 409)
    await refused(uc.invite(service, STAFF, uuid4(), None, []), "meeting_not_found", 404)


async def test_attendance_opening_and_the_quorum_figures() -> None:
    service = fake_service()
    council(service)
    mid = await convened(service, topic(service))
    for person in [CHAIR.id, *MEMBER_IDS[:5]]:
        await uc.record_attendance(service, STAFF, mid, person, arrived=True)
    error = await refused(uc.open_meeting(service, CHAIR, mid), "no_quorum", 409)
    assert error.body()["present"] == 5 and error.body()["required"] == 6 and error.body()["fixed_members_total"] == 9
    assert "5" in error.message_zh and "6 required" in error.message_en
    await refused(uc.record_attendance(service, STAFF, mid, "passer-by", arrived=True), "not_invited", 409)
    await uc.record_attendance(service, STAFF, mid, MEMBER_IDS[5], arrived=True)
    await refused(uc.open_meeting(service, STAFF, mid), "role_not_allowed", 403)
    opened = await uc.open_meeting(service, CHAIR, mid)
    assert opened.after.status is MeetingStatus.open and opened.after.quorum_required == 6
    left = await uc.record_attendance(service, STAFF, mid, MEMBER_IDS[0], arrived=False)
    assert not left.after.quorum_met


async def test_minutes_are_recorded_in_order_by_staff() -> None:
    service = fake_service()
    council(service)
    subject = topic(service)
    mid = await convened(service, subject)
    for person in MEMBER_IDS[:6]:
        await uc.record_attendance(service, STAFF, mid, person, arrived=True)
    await refused(uc.record_minutes(service, STAFF, mid, subject, "m1", EntryKind.statement, "建议改造"),
                  "meeting_not_open", 409)
    await uc.open_meeting(service, CHAIR, mid)
    await uc.record_minutes(service, STAFF, mid, subject, "m1", EntryKind.statement, "建议改造闲置用房")
    done = await uc.record_minutes(service, CHAIR, mid, subject, "m2", EntryKind.question, "驿站何时开放？")
    assert [(m.number, m.speaker_id) for m in done.after.minutes] == [(1, "m1"), (2, "m2")]
    await refused(uc.record_minutes(service, STAFF, mid, subject, "m2", EntryKind.answer, "  "), "empty_text", 422)
    await refused(uc.record_minutes(service, Actor("m1", frozenset({Role.council_member}), COMMUNITY), mid, subject,
                                    "m1", EntryKind.statement, "我来记录"), "role_not_allowed", 403)


async def test_ready_for_agenda_lists_only_standing_research_oldest_first() -> None:
    service = fake_service()
    older, newer = topic(service, hours_ago=48), topic(service, hours_ago=2)
    topic(service, research=False)
    undone = topic(service)
    reopened(service, undone, service.clock.now())
    ready = await cu.ready_for_agenda(service, COMMUNITY)
    assert [c.topic_id for c in ready] == [older, newer]
    assert ready[0].title == "环卫工人无处歇脚" and len(ready[0].invitees) == 2
    researched(service, undone, service.clock.now() + timedelta(minutes=1))
    assert undone in [c.topic_id for c in await cu.ready_for_agenda(service, COMMUNITY)]


async def test_roster_and_meeting_list_for_the_community() -> None:
    service = fake_service()
    await refused(cu.roster(service, STAFF, COMMUNITY), "no_council", 404)
    council_id = council(service)
    assert (await cu.roster(service, STAFF, COMMUNITY)).council_id == council_id
    await refused(cu.roster(service, Actor("s", frozenset({Role.staff}), "330102001052"), COMMUNITY),
                  "outside_your_community", 403)
    mid = await convened(service, topic(service))
    [listed] = await cu.meetings(service, STAFF, COMMUNITY)
    assert (listed.meeting_id, listed.status, listed.outcomes) == (mid, MeetingStatus.scheduled, {})


async def test_a_meeting_keeps_the_settings_in_effect_when_it_was_convened() -> None:
    service = fake_service()
    assert (await cu.rules(service, STAFF, COMMUNITY)).quorum.value == Fraction(2, 3)  # the city's default
    change_at = service.clock.now() + timedelta(hours=1)
    service.views.registry.set(COMMUNITY[:9] + "000", change_at, quorum="3/4")  # the street, inherited down
    council(service)
    before = await convened(service, topic(service))
    service.clock.advance(hours=1)  # effective_from itself: the change applies
    rules = await cu.rules(service, STAFF, COMMUNITY)
    assert (rules.quorum.value, rules.quorum.source, rules.adoption.source) == (Fraction(3, 4), "street", "city")
    after = await convened(service, topic(service))
    first, second = [await meeting_detail(service, STAFF, m) for m in (before, after)]
    assert first["rules"]["quorum"] == "2/3" and first["attendance"]["quorum_required"] == 6
    assert second["rules"]["quorum"] == "3/4" and second["attendance"]["quorum_required"] == 7


async def test_meeting_detail_is_for_its_community_only() -> None:
    service = fake_service()
    council(service)
    subject = topic(service)
    mid = await convened(service, subject)
    detail = await meeting_detail(service, STAFF, mid)
    assert detail["agenda"][0]["title"] == "环卫工人无处歇脚" and detail["status"] == "scheduled"
    await refused(meeting_detail(service, STAFF, uuid4()), "meeting_not_found", 404)
    await refused(meeting_detail(service, Actor("s", frozenset({Role.staff}), "330102001052"), mid),
                  "outside_your_community", 403)
