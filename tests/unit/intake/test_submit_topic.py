"""Taking a topic in on the command path, in memory: receipt, private row, idempotency, retries."""

from uuid import UUID

import pytest
from yishi_contracts import DivisionRetired, TopicSubmitted

from services.intake.domain.submission import SubmitTopic
from services.intake.service_layer import submit_topic as submitting
from services.intake.domain.idempotency import idempotency
from services.intake.service_layer.ports import Filing, NewSubmission
from services.intake.service_layer.submit_topic import submit_topic
from services.kit.auth import Actor, Role
from services.kit.errors import status_of
from services.kit.refusal import Refusal

from ..factories import COMMUNITY
from .fakes import FakeIntakeViews, intake_service

GRID = Actor("grid-07", frozenset({Role.staff}), COMMUNITY)


def resident(**over: object) -> SubmitTopic:
    fields = dict(community_id=COMMUNITY, title="泾崇路无停车位", description="泾崇路沿线没有任何停车位，车辆乱停影响通行。",
                  source="resident", channel="online", submitted_by="resident")
    return SubmitTopic(**{**fields, **over})


def staff_entry(**over: object) -> SubmitTopic:
    return resident(source="party_government", channel="household_visit", submitted_by="staff", staff_id="grid-07",
                    **over)


async def test_a_submission_records_the_event_and_keeps_the_contact_beside_it() -> None:
    service = intake_service()
    receipt = await submit_topic(service, resident(), contact_name="王阿姨", contact_phone="13800138000")
    [event] = service.published(TopicSubmitted)
    assert str(event.topic_id) == receipt.topic_id and event.submitted_at == service.clock.now()
    row = service.views.submissions[event.topic_id]
    assert row.receipt_code == receipt.receipt_code and row.contact_name == "王阿姨"
    assert "王阿姨" not in event.model_dump_json() and "13800138000" not in event.model_dump_json()
    assert service.store.streams[receipt.topic_id] == [event]
    assert await service.views.progress_status(event.topic_id) == "submitted"


async def test_the_same_idempotency_key_answers_the_first_receipt() -> None:
    service = intake_service()
    first = await submit_topic(service, resident(), idempotency_key="tap-1")
    again = await submit_topic(service, resident(), idempotency_key="tap-1")
    other = await submit_topic(service, resident(), idempotency_key="tap-2")
    assert again.replayed and (again.topic_id, again.receipt_code) == (first.topic_id, first.receipt_code)
    assert not other.replayed and other.receipt_code != first.receipt_code
    assert len(service.published(TopicSubmitted)) == 2


async def test_a_refused_submission_records_nothing_and_answers_422() -> None:
    service = intake_service()
    with pytest.raises(Refusal) as refused:
        await submit_topic(service, resident(channel="phone"), idempotency_key="tap-1")
    assert refused.value.error == "channel_not_allowed" and status_of(refused.value) == 422
    assert not service.published() and not service.views.submissions


async def test_staff_enter_topics_of_their_own_community_only() -> None:
    service = intake_service()
    receipt = await submit_topic(service, staff_entry(), actor=GRID)
    assert service.published(TopicSubmitted)[0].staff_id == "grid-07" and receipt.receipt_code
    elsewhere = Actor("grid-99", frozenset({Role.staff}), "330102002999")
    resident_actor = Actor("r-1", frozenset(), COMMUNITY)
    for actor, status in ((None, 401), (elsewhere, 403), (resident_actor, 403)):
        with pytest.raises(Refusal) as refused:
            await submit_topic(service, staff_entry(), actor=actor)
        assert status_of(refused.value) == status
    assert len(service.published(TopicSubmitted)) == 1


async def test_a_colliding_receipt_code_is_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    service = intake_service()
    service.views.taken.add("AAAAA-22222")
    codes = iter(["AAAAA-22222", "BBBBB-33333"])
    monkeypatch.setattr(submitting, "new_receipt_code", lambda: next(codes))
    receipt = await submit_topic(service, resident())
    assert receipt.receipt_code == "BBBBB-33333"
    [event] = service.published(TopicSubmitted)
    assert str(event.topic_id) == receipt.topic_id and len(service.store.streams[receipt.topic_id]) == 1


class RacedViews(FakeIntakeViews):
    """A double tap: the other request's row commits while this one is inserting its own, so
    this insert clashes without seeing it; the retry finds it."""

    def __init__(self, earlier: NewSubmission) -> None:
        super().__init__()
        self.earlier = earlier

    async def add_submission(self, submission: NewSubmission) -> Filing:
        if self.earlier.topic_id not in self.submissions:
            self.submissions[self.earlier.topic_id] = self.earlier
            return Filing(kept=False)
        return await super().add_submission(submission)


async def test_an_idempotency_race_lost_replays_the_winner() -> None:
    service = intake_service()
    key = idempotency("tap-1", resident(), None, None)
    winner = NewSubmission(UUID(int=7), "CCCCC-44444", COMMUNITY, service.clock.now(), idempotency=key)
    service.views = RacedViews(winner)
    receipt = await submit_topic(service, resident(), idempotency_key="tap-1")
    assert receipt.replayed and receipt.receipt_code == "CCCCC-44444" and receipt.topic_id == str(UUID(int=7))
    assert not service.published() and not service.store.streams


async def test_clashing_every_time_answers_409(monkeypatch: pytest.MonkeyPatch) -> None:
    service = intake_service()
    service.views.taken.add("AAAAA-22222")
    monkeypatch.setattr(submitting, "new_receipt_code", lambda: "AAAAA-22222")
    with pytest.raises(Refusal) as refused:
        await submit_topic(service, resident())
    assert status_of(refused.value) == 409 and not service.published()


@pytest.mark.parametrize("entry", [resident, staff_entry])
async def test_a_code_not_registered_is_refused_and_nothing_is_stored(entry) -> None:
    service = intake_service()
    with pytest.raises(Refusal) as refused:
        await submit_topic(service, entry(community_id="330102001099"), actor=Actor(
            "grid-07", frozenset({Role.staff}), "330102001099"))
    assert refused.value.error == "unknown_community" and status_of(refused.value) == 422
    assert "330102001099" in refused.value.message_zh and "330102001099" in refused.value.message_en
    assert not service.published(TopicSubmitted) and not service.views.submissions and not service.store.streams


async def test_a_street_code_is_not_a_community() -> None:
    with pytest.raises(Refusal) as refused:
        await submit_topic(intake_service(), resident(community_id=COMMUNITY[:9] + "000"))
    assert refused.value.error == "unknown_community"


async def test_a_retired_community_takes_no_topics_from_residents_or_staff() -> None:
    service = intake_service()
    service.views.registry.apply(DivisionRetired(community_id=COMMUNITY, code=COMMUNITY, reason="撤并",
                                                 retired_at=service.clock.now(), retired_by="qb-street"))
    for entry, actor in ((resident, None), (staff_entry, GRID)):
        with pytest.raises(Refusal) as refused:
            await submit_topic(service, entry(), actor=actor)
        assert refused.value.error == "retired_community" and status_of(refused.value) == 422
        assert "已撤销" in refused.value.message_zh and "retired" in refused.value.message_en
    assert not service.published(TopicSubmitted) and not service.views.submissions
