"""Screening (确定议题): who may screen what, and the four decisions."""

from datetime import timedelta

import pytest
from pydantic import ValidationError
from yishi_contracts import Accepted, Category, ExclusionReason, Merged, Referral, Rejected, Returned, Status, TopicScreened

from services.kit.errors import status_of
from services.council.domain.refusal import CouncilRefused
from services.council.domain.screening import Screening, ScreeningTemplate, ScreenTopic, screen, templates_for

from .builders import CATEGORIES, COUNCIL_ID, NOW, OTHER_COMMUNITY, TODAY, ready_council, step, topic

ACCEPT = Accepted(category=Category.public_facilities)
COUNCIL = ready_council()
INPUT_ERRORS = {"merge_into_itself", "template_incomplete", "template_reason_required", "template_return_no_reason"}


def refused(error: str, command: ScreenTopic, council=COUNCIL) -> CouncilRefused:
    with pytest.raises(CouncilRefused) as caught:
        screen(council, command, now=NOW)
    assert caught.value.error == error
    assert caught.value.message_zh.strip() and caught.value.message_en.strip()
    assert status_of(caught.value) == (422 if error in INPUT_ERRORS else 409), error
    return caught.value


@pytest.mark.parametrize("status", [Status.submitted, Status.resubmitted])
def test_the_chair_accepts_a_topic_awaiting_screening(status: Status) -> None:
    t = topic(status)
    event = screen(COUNCIL, ScreenTopic(t, ACCEPT, "chair"), now=NOW)
    assert isinstance(event, TopicScreened)
    assert (event.topic_id, event.council_id, event.screened_by, event.screened_at) == (t.topic_id, COUNCIL_ID, "chair", NOW)
    assert event.decision == ACCEPT
    screening = Screening.fold([event])
    assert screening.screen(COUNCIL, ScreenTopic(t, ACCEPT, "chair"), now=NOW) == [event]
    assert Screening.fold([]).decisions == () and screening.decisions == (event,)


def test_a_confirmed_fixed_member_may_screen() -> None:
    event = screen(COUNCIL, ScreenTopic(topic(), Returned(details_requested="请补充具体位置和时间段"), "m2"), now=NOW)
    assert event.decision.outcome == "returned"


def test_rejection_carries_reason_explanation_and_referral() -> None:
    decision = Rejected(reason=ExclusionReason.individual_dispute, explanation="属于邻里个体纠纷", referral=Referral.mediation)
    event = screen(COUNCIL, ScreenTopic(topic(), decision, "chair"), now=NOW)
    assert event.decision.reason == "individual_dispute" and event.decision.referral == "mediation"


def test_the_contract_rejects_a_short_explanation() -> None:
    with pytest.raises(ValidationError):
        Rejected(reason=ExclusionReason.unfair, explanation="不行")


def test_merge_into_an_earlier_topic_of_the_same_community() -> None:
    earlier = topic(Status.accepted, submitted_at=NOW - timedelta(days=3))
    event = screen(COUNCIL, ScreenTopic(topic(), Merged(merged_into=earlier.topic_id), "chair", earlier), now=NOW)
    assert event.decision.merged_into == earlier.topic_id


def test_screening_refusals() -> None:
    refused("council_not_ready", ScreenTopic(topic(), ACCEPT, "chair"), council=ready_council(CATEGORIES[:6]))
    refused("other_community", ScreenTopic(topic(community=OTHER_COMMUNITY), ACCEPT, "chair"))
    refused("not_a_screener", ScreenTopic(topic(), ACCEPT, "stranger"))
    for status in (Status.returned, Status.accepted, Status.rejected, Status.merged, Status.researched):
        refused("not_awaiting_screening", ScreenTopic(topic(status), ACCEPT, "chair"))
    assert "议前调研已完成，待协商" in refused("not_awaiting_screening", ScreenTopic(topic(Status.researched), ACCEPT, "chair")).message_zh


def test_a_nominated_or_departed_member_may_not_screen() -> None:
    council = step(COUNCIL, COUNCIL.nominate("new", "新人", "health_station", TODAY, TODAY + timedelta(days=900), now=NOW))
    refused("not_a_screener", ScreenTopic(topic(), ACCEPT, "new"), council=council)
    council = step(council, council.leave("m2", TODAY, "辞任", now=NOW))
    council = step(council, council.confirm("new", now=NOW))
    refused("not_a_screener", ScreenTopic(topic(), ACCEPT, "m2"), council=council)


def test_merge_refusals() -> None:
    t = topic()
    earlier = topic(Status.accepted, submitted_at=NOW - timedelta(days=1))
    refused("merge_into_itself", ScreenTopic(t, Merged(merged_into=t.topic_id), "chair", t))
    refused("merge_target_unknown", ScreenTopic(t, Merged(merged_into=earlier.topic_id), "chair"))
    refused("merge_target_unknown", ScreenTopic(t, Merged(merged_into=earlier.topic_id), "chair", topic()))
    other = topic(Status.accepted, community=OTHER_COMMUNITY, submitted_at=NOW - timedelta(days=1))
    refused("merge_other_community", ScreenTopic(t, Merged(merged_into=other.topic_id), "chair", other))
    merged = topic(Status.merged, submitted_at=NOW - timedelta(days=1))
    refused("merge_into_merged", ScreenTopic(t, Merged(merged_into=merged.topic_id), "chair", merged))
    later = topic(Status.submitted, submitted_at=NOW + timedelta(minutes=1))
    refused("merge_into_later", ScreenTopic(t, Merged(merged_into=later.topic_id), "chair", later))


def test_a_template_fills_in_the_title() -> None:
    template = ScreeningTemplate(
        "个体纠纷转调解", "rejection", "您反映的“{title}”属于个体矛盾，已转人民调解。",
        ExclusionReason.individual_dispute, Referral.mediation,
    )
    t = topic(title="楼上漏水")
    decision = template.decision(t)
    assert decision == Rejected(
        reason="individual_dispute", explanation="您反映的“楼上漏水”属于个体矛盾，已转人民调解。", referral="mediation"
    )
    assert screen(COUNCIL, ScreenTopic(t, decision, "chair"), now=NOW).decision == decision
    back = ScreeningTemplate("补充位置", "return", "关于“{title}”，请补充具体位置。{other}")
    assert back.decision(t) == Returned(details_requested="关于“楼上漏水”，请补充具体位置。{other}")


def test_templates_by_reason() -> None:
    a = ScreeningTemplate("b-法律", "rejection", "“{title}”由法律规定", ExclusionReason.prescribed_by_law)
    b = ScreeningTemplate("a-法律", "rejection", "“{title}”另有法律规定", ExclusionReason.prescribed_by_law)
    c = ScreeningTemplate("越权", "rejection", "“{title}”超出职能权限", ExclusionReason.beyond_authority)
    assert templates_for(ExclusionReason.prescribed_by_law, [a, b, c]) == [b, a]


@pytest.mark.parametrize(
    "fields, error",
    [
        (("", "rejection", "一段足够长的答复", ExclusionReason.unfair), "template_incomplete"),
        (("名称", "rejection", "短", ExclusionReason.unfair), "template_incomplete"),
        (("名称", "rejection", "一段足够长的答复"), "template_reason_required"),
        (("名称", "return", "一段足够长的答复", ExclusionReason.unfair), "template_return_no_reason"),
    ],
)
def test_template_refusals(fields: tuple, error: str) -> None:
    with pytest.raises(CouncilRefused) as caught:
        ScreeningTemplate(*fields)
    assert caught.value.error == error and caught.value.message_zh and caught.value.message_en
    assert status_of(caught.value) == 422
