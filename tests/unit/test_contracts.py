"""Every event model validates what the domain allows and refuses the rest."""

from uuid import uuid4

import pytest
from pydantic import ValidationError
from yishi_contracts import (
    EVENT_TYPES,
    Category,
    Channel,
    Envelope,
    ExclusionReason,
    Merged,
    Rejected,
    TopicScreened,
    TopicSource,
    UnknownEventType,
    UnsupportedEventVersion,
    label_zh,
    resolve,
)

from .factories import adopted, researched, screened, submitted


def test_the_seven_categories_and_seven_exclusions_match_the_domain() -> None:
    assert len(Category) == 7 and len(ExclusionReason) == 7
    assert label_zh(Category.road_traffic) == "道路交通管理"
    assert label_zh(ExclusionReason.individual_dispute) == "个体矛盾"
    assert {s.value for s in TopicSource} == {"party_government", "council_member", "resident"}
    assert {c.value for c in Channel} == {"service_station", "household_visit", "grid", "phone", "online"}


@pytest.mark.parametrize(
    "field, value",
    [
        ("source", "neighbour"),
        ("channel", "wechat"),
        ("community_id", "12345"),
        ("title", "短"),
        ("description", ""),
        ("submitted_at", "2026-11-28T09:30:00"),  # no timezone
    ],
)
def test_topic_submitted_rejects_bad_values(field: str, value: str) -> None:
    with pytest.raises(ValidationError):
        submitted(**{field: value})


def test_screening_needs_a_known_category_or_exclusion_reason() -> None:
    topic = uuid4()
    with pytest.raises(ValidationError):
        screened(topic, decision={"outcome": "accepted", "category": "sports"})
    with pytest.raises(ValidationError):
        screened(topic, decision={"outcome": "rejected", "reason": "too_hard", "explanation": "不想做这个"})
    with pytest.raises(ValidationError):  # a rejection must be explained
        screened(topic, decision={"outcome": "rejected", "reason": "unfair", "explanation": ""})
    ok = screened(topic, decision={"outcome": "rejected", "reason": "beyond_authority", "explanation": "属于区级职能范围", "referral": "cppcc_proposal"})
    assert isinstance(ok.decision, Rejected) and ok.decision.referral == "cppcc_proposal"


def test_a_topic_cannot_be_merged_into_itself() -> None:
    topic = uuid4()
    with pytest.raises(ValidationError, match="merged into itself"):
        screened(topic, decision=Merged(merged_into=topic))


def test_research_needs_a_site_visit_and_researchers() -> None:
    event = researched(uuid4())
    with pytest.raises(ValidationError):
        event.model_validate({**event.model_dump(), "site_visits": []})
    with pytest.raises(ValidationError):
        event.model_validate({**event.model_dump(), "researchers": []})


def test_resolution_tally_must_match_the_method() -> None:
    event = adopted(uuid4())
    with pytest.raises(ValidationError, match="tally"):
        event.model_validate({**event.model_dump(), "tally": None})
    with pytest.raises(ValidationError, match="consensus"):
        event.model_validate({**event.model_dump(), "method": "consensus"})
    with pytest.raises(ValidationError, match="fixed members present"):
        event.model_validate({**event.model_dump(), "attendance": {"fixed_members_total": 7, "fixed_members_present": 8}})


def test_event_types_are_stable_names_with_a_version_never_import_paths() -> None:
    backbone = {"yishi.TopicSubmitted.v1", "yishi.TopicScreened.v1", "yishi.ResearchCompleted.v1", "yishi.ResolutionAdopted.v1"}
    assert backbone <= set(EVENT_TYPES)
    assert all(name.startswith("yishi.") and name.rsplit(".", 1)[1] == f"v{m.version}" for name, m in EVENT_TYPES.items())
    for name, model in EVENT_TYPES.items():
        assert model.__module__ not in name
    assert resolve("yishi.TopicSubmitted.v1", "1").__name__ == "TopicSubmitted"
    with pytest.raises(UnsupportedEventVersion):
        resolve("yishi.TopicSubmitted.v2", "2")
    with pytest.raises(UnsupportedEventVersion):
        resolve("yishi.TopicSubmitted.v1", "3")
    with pytest.raises(UnknownEventType):
        resolve("services.intake.events.TopicSubmitted", None)


def test_envelope_carries_subject_community_and_causation() -> None:
    event = submitted()
    first = Envelope.wrap(event, source="/yishi/intake")
    assert first.subject == str(event.topic_id) and first.communityid == event.community_id
    assert first.correlationid == first.id and first.causationid is None
    follow = first.caused(screened(event.topic_id), source="/yishi/council")
    assert follow.correlationid == first.correlationid and follow.causationid == first.id
    assert follow.type == TopicScreened.cloudevent_type()
