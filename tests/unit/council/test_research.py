"""Pre-meeting research (议前调研): "不调研不协商"."""

from datetime import timedelta
from uuid import uuid4

import pytest
from yishi_contracts import Feasibility, Invitee, InviteeKind, ResearchCompleted

from yishi_contracts import Status

from services.kit.errors import status_of
from services.council.domain.council import Council, form_council
from services.council.domain.refusal import CouncilRefused
from services.council.domain.research import Research, ResearchOpened, open_research

from .builders import COMMUNITY, NOW, OTHER_COMMUNITY, TODAY, ready_council, step, topic

COUNCIL = ready_council()
INVITEES = [
    Invitee(kind=InviteeKind.stakeholder, description="中山街小学家长代表"),
    Invitee(kind=InviteeKind.community_station, description="交警中队"),
]


INPUT_ERRORS = {"researchers_required", "visit_in_future", "visit_incomplete", "text_length"}


def refused(error: str, call) -> CouncilRefused:
    with pytest.raises(CouncilRefused) as caught:
        call()
    assert caught.value.error == error
    assert caught.value.message_zh.strip() and caught.value.message_en.strip()
    assert status_of(caught.value) == (422 if error in INPUT_ERRORS else 409), error
    return caught.value


def opened() -> tuple[Research, list]:
    events = open_research(COUNCIL, topic(Status.accepted), now=NOW)
    return Research.fold(events), events


def researched() -> tuple[Research, list]:
    research, events = opened()
    for decide in (
        lambda r: r.assign(COUNCIL, ["m0", "m4", "m0"], now=NOW),
        lambda r: r.record_visit(TODAY - timedelta(days=1), "中山街小学门口", "早高峰7:30-8:00车辆排队至路口", now=NOW),
        lambda r: r.record_findings("接送车辆临停无序，可设限时停车带", Feasibility.feasible_with_conditions, now=NOW),
        lambda r: r.draft_plan("设置上下学限时即停即走车道，家长志愿者疏导", INVITEES, now=NOW),
    ):
        decided = decide(research)
        events += decided
        research = step(research, decided)
    return research, events


def test_complete_research_produces_the_public_event() -> None:
    research, events = researched()
    [completed] = research.complete(now=NOW)
    assert isinstance(completed, ResearchCompleted)
    assert completed.researchers == ["m0", "m4"]
    assert completed.site_visits[0].place == "中山街小学门口"
    assert completed.feasibility == "feasible_with_conditions"
    assert completed.invitees == INVITEES and completed.completed_at == NOW
    assert completed.council_id == COUNCIL.council_id and completed.community_id == COMMUNITY
    assert Research.fold(events) == research and Research.fold([]) is None
    done = step(research, completed)
    assert done.completed and Research.fold([*events, completed]) == done
    refused("research_completed", lambda: done.complete(now=NOW))
    refused("research_completed", lambda: done.record_visit(TODAY, "路口", "再看一次", now=NOW))


def test_later_findings_and_plans_replace_earlier_ones() -> None:
    research, _ = researched()
    research = step(research, research.record_findings("不具备设置条件的理由说明", Feasibility.infeasible, now=NOW))
    research = step(research, research.draft_plan("改为错峰放学方案讨论", [], now=NOW))
    [completed] = research.complete(now=NOW)
    assert completed.feasibility == "infeasible" and completed.invitees == [] and completed.consultation_plan == "改为错峰放学方案讨论"


@pytest.mark.parametrize("status", [s for s in Status if s != Status.accepted])
def test_only_an_accepted_topic_is_researched(status: Status) -> None:
    refused("topic_not_accepted", lambda: open_research(COUNCIL, topic(status), now=NOW))


def test_research_belongs_to_the_topics_community() -> None:
    refused("other_community", lambda: open_research(COUNCIL, topic(Status.accepted, community=OTHER_COMMUNITY), now=NOW))
    [event] = open_research(COUNCIL, topic(Status.accepted), now=NOW)
    assert isinstance(event, ResearchOpened)


def test_completing_names_everything_missing() -> None:
    research, _ = opened()
    error = refused("research_incomplete", lambda: research.complete(now=NOW))
    assert error.message_zh == "议前调研尚未完成，缺少：调研成员、实地调研记录、调研结论与可行性、议事方案"
    research = step(research, research.assign(COUNCIL, ["m1"], now=NOW))
    research = step(research, research.draft_plan("议事方案初稿内容", [], now=NOW))
    error = refused("research_incomplete", lambda: research.complete(now=NOW))
    assert error.message_en == "the research is not complete; missing: a site visit, findings and feasibility"


def test_researchers_must_be_confirmed_serving_fixed_members() -> None:
    research, _ = opened()
    refused("researchers_required", lambda: research.assign(COUNCIL, [], now=NOW))
    error = refused("not_a_fixed_member", lambda: research.assign(COUNCIL, ["m1", "chair", "ghost"], now=NOW))
    assert "chair、ghost" in error.message_zh
    council = step(COUNCIL, COUNCIL.nominate("new", "新人", "health_station", TODAY, TODAY + timedelta(days=9), now=NOW))
    refused("not_a_fixed_member", lambda: research.assign(council, ["new"], now=NOW))
    council = step(council, council.leave("m1", TODAY, "辞任", now=NOW))
    refused("not_a_fixed_member", lambda: research.assign(council, ["m1"], now=NOW))
    other = Council.fold(form_council(uuid4(), COMMUNITY, now=NOW))
    refused("other_council", lambda: research.assign(other, ["m1"], now=NOW))


def test_visit_and_text_refusals() -> None:
    research, _ = opened()
    refused("visit_in_future", lambda: research.record_visit(TODAY + timedelta(days=1), "路口", "记录", now=NOW))
    refused("visit_incomplete", lambda: research.record_visit(TODAY, " ", "记录", now=NOW))
    refused("visit_incomplete", lambda: research.record_visit(TODAY, "路口", "", now=NOW))
    refused("visit_incomplete", lambda: research.record_visit(TODAY, "路" * 121, "记录", now=NOW))
    refused("text_length", lambda: research.record_findings("太短", Feasibility.feasible, now=NOW))
    refused("text_length", lambda: research.record_findings("长" * 2001, Feasibility.feasible, now=NOW))
    refused("text_length", lambda: research.draft_plan("  方案  ", [], now=NOW))


def test_completed_research_can_be_reopened_and_completed_again() -> None:
    research, _ = researched()
    refused("research_open", lambda: research.reopen("deferred_by_meeting", "会议认为需补充调研", now=NOW))
    done = step(research, research.complete(now=NOW))
    [reopened] = done.reopen("deferred_by_meeting", "会议认为需补充交通流量数据", now=NOW)
    assert reopened.cause == "deferred_by_meeting" and reopened.council_id == COUNCIL.council_id
    assert reopened.topic_id == research.topic_id and reopened.reopened_at == NOW
    again = step(done, reopened)
    assert not again.completed and again.researchers == done.researchers
    again = step(again, again.record_visit(TODAY, "中山街小学门口", "补充统计早高峰车流", now=NOW))
    assert len(again.site_visits) == 2
    assert again.complete(now=NOW)[0].site_visits[-1].notes == "补充统计早高峰车流"
    refused("text_length", lambda: done.reopen("objection_upheld", "短", now=NOW))
