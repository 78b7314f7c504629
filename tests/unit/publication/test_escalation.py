"""Results conversion (成果转化): what may go to the county CPPCC, as what, and only once."""

from dataclasses import replace
from datetime import timedelta
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st
from yishi_contracts import Accepted, EscalationGround, EscalationKind, ExclusionReason, Merged, Rejected, Returned

from services.publication.domain import (
    COUNTY_CPPCC,
    Escalation,
    PublicationRefused,
    ground_from_resolution,
    ground_from_screening,
)

from ..factories import COMMUNITY, NOW, adopted, screened
from .helpers import assert_explained, disclosure, implementation

SUMMARY = "中山街接送学生高峰期拥堵，涉及交警与教育部门，社区无权调整道路与上下学时间。"


def rejected(reason: ExclusionReason, topic_id=None):
    return screened(topic_id or uuid4(), decision=Rejected(reason=reason, explanation="需由县级部门统筹解决"))


def with_ground(event) -> Escalation:
    escalation = Escalation.fold([event])
    assert escalation is not None
    return escalation


def test_a_topic_beyond_authority_is_escalated_as_a_proposal_to_the_county_cppcc() -> None:
    grounds = ground_from_screening(rejected(ExclusionReason.beyond_authority))
    assert grounds.ground is EscalationGround.beyond_authority and grounds.detail == "需由县级部门统筹解决"
    escalation = with_ground(grounds)
    event = escalation.escalate("cppcc_proposal", f"  {SUMMARY} ", escalated_by="chair-1", now=NOW)
    assert event.kind is EscalationKind.cppcc_proposal and event.addressee == COUNTY_CPPCC
    assert event.summary == SUMMARY and event.ground is EscalationGround.beyond_authority and event.community_id == COMMUNITY


def test_a_resolution_marked_as_needing_a_higher_level_is_escalated_as_a_report() -> None:
    resolution = adopted(uuid4())
    grounds = ground_from_resolution(resolution, note="改造资金超出社区权限，需县里统筹", now=NOW)
    event = with_ground(grounds).escalate(EscalationKind.social_conditions_report, SUMMARY, escalated_by="chair-1", now=NOW)
    assert event.kind is EscalationKind.social_conditions_report and event.ground is EscalationGround.needs_higher_level
    assert event.topic_id == resolution.topic_id


def test_marking_a_resolution_needs_a_note() -> None:
    with pytest.raises(PublicationRefused) as refused:
        ground_from_resolution(adopted(uuid4()), note="  ", now=NOW)
    assert_explained(refused.value, "text_too_short")


def test_escalating_twice_is_refused() -> None:
    escalation = with_ground(ground_from_screening(rejected(ExclusionReason.beyond_authority)))
    escalation = escalation.apply(escalation.escalate("cppcc_proposal", SUMMARY, escalated_by="chair-1", now=NOW))
    for kind in EscalationKind:
        with pytest.raises(PublicationRefused) as refused:
            escalation.escalate(kind, SUMMARY, escalated_by="chair-1", now=NOW + timedelta(days=1))
        assert_explained(refused.value, "already_escalated")
        assert NOW.strftime("%Y-%m-%d") in refused.value.message_zh


@given(st.sampled_from([r for r in ExclusionReason if r is not ExclusionReason.beyond_authority]))
def test_every_other_rejection_reason_is_refused_with_its_own_explanation(reason: ExclusionReason) -> None:
    with pytest.raises(PublicationRefused) as refused:
        ground_from_screening(rejected(reason))
    assert_explained(refused.value, "ground_not_escalable")
    assert reason.value in refused.value.message_en


def test_an_individual_dispute_is_pointed_to_mediation() -> None:
    with pytest.raises(PublicationRefused) as refused:
        ground_from_screening(rejected(ExclusionReason.individual_dispute))
    assert "个体矛盾" in refused.value.message_zh and "调解" in refused.value.message_zh
    assert "mediation" in refused.value.message_en


@pytest.mark.parametrize(
    "decision", [Accepted(category="road_traffic"), Merged(merged_into=uuid4()), Returned(details_requested="请补充具体路段")]
)
def test_a_topic_that_was_not_rejected_is_refused(decision) -> None:
    with pytest.raises(PublicationRefused) as refused:
        ground_from_screening(screened(uuid4(), decision=decision))
    assert_explained(refused.value, "not_rejected")
    assert decision.outcome in refused.value.message_en


@pytest.mark.parametrize(
    "kind, summary, by, error",
    [
        ("petition", SUMMARY, "chair-1", "invalid_kind"),
        ("cppcc_proposal", "太短了", "chair-1", "text_too_short"),
        ("cppcc_proposal", "长" * 3001, "chair-1", "text_too_long"),
        ("cppcc_proposal", SUMMARY, " ", "escalator_required"),
    ],
)
def test_escalation_input_refusals(kind: str, summary: str, by: str, error: str) -> None:
    escalation = with_ground(ground_from_screening(rejected(ExclusionReason.beyond_authority)))
    with pytest.raises(PublicationRefused) as refused:
        escalation.escalate(kind, summary, escalated_by=by, now=NOW)
    assert_explained(refused.value, error)


def test_nothing_is_escalated_without_a_ground() -> None:
    with pytest.raises(PublicationRefused) as refused:
        Escalation(uuid4(), COMMUNITY).escalate("cppcc_proposal", SUMMARY, escalated_by="chair-1", now=NOW)
    assert_explained(refused.value, "no_escalation_ground")


def test_replay_equals_applying_one_by_one() -> None:
    grounds = ground_from_screening(rejected(ExclusionReason.beyond_authority))
    escalation = with_ground(grounds)
    escalation = escalation.apply(escalation.escalate("cppcc_proposal", SUMMARY, escalated_by="chair-1", now=NOW))
    assert Escalation.fold(escalation.events) == escalation and Escalation.fold([]) is None


def test_events_of_another_topic_are_not_folded_in() -> None:
    other = uuid4()
    d = disclosure()
    impl = implementation()
    escalation = Escalation(uuid4(), COMMUNITY)
    for state, event in [
        (d, replace(d.object("驿站选址离居民楼太近", now=d.published_at), topic_id=other)),
        (impl, replace(impl.complete_task(impl.tasks[0].spec.task_id, now=NOW)[0], topic_id=other)),
        (escalation, ground_from_screening(rejected(ExclusionReason.beyond_authority, topic_id=other))),
    ]:
        with pytest.raises(ValueError):
            state.apply(event)
