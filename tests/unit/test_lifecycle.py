"""The topic's lifecycle, once in contracts: every status labelled, derived in any order."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st
from yishi_contracts import STATUSES, Status, TopicScreened, status_marked_by, status_of
from yishi_contracts.events.council import Accepted, Rejected
from yishi_contracts.lifecycle import LIFECYCLE_EVENTS, label

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)


def test_every_status_has_zh_and_en_labels_and_the_event_that_marks_it() -> None:
    assert set(STATUSES) == set(Status)
    for info in STATUSES.values():
        assert info.label_zh and info.label_en and info.marked_by.startswith("yishi.")
    assert label("closed") == "已办结"


def test_a_screening_marks_its_outcome() -> None:
    topic = uuid4()
    accepted = TopicScreened(topic_id=topic, community_id="330102001051", council_id=uuid4(),
                             decision=Accepted(category="environment"), screened_by="chair-1", screened_at=T0)
    rejected = accepted.model_copy(update={"decision": Rejected(reason="individual_dispute", explanation="属于邻里个体矛盾")})
    assert status_marked_by(accepted) is Status.accepted
    assert status_marked_by(rejected) is Status.rejected
    assert status_marked_by(object()) is None
    assert TopicScreened in LIFECYCLE_EVENTS


def test_the_latest_step_wins_and_ties_go_to_the_later_step() -> None:
    steps = [(T0, Status.submitted), (T0 + timedelta(days=2), Status.researched), (T0 + timedelta(days=1), Status.accepted)]
    assert status_of(steps) is Status.researched
    assert status_of([(T0, Status.in_disclosure), (T0, Status.resolved)]) is Status.in_disclosure
    assert status_of([]) is None


@given(st.permutations([(T0 + timedelta(hours=i), s) for i, s in enumerate(Status)]))
def test_the_status_does_not_depend_on_arrival_order(steps: list[tuple[datetime, Status]]) -> None:
    assert status_of(steps) is Status.escalated
