"""Idempotency keys in memory: which keys are read at all, whose scope a key is in, and which
requests count as the same one."""

import pytest

from services.intake.domain.idempotency import RESIDENT, caller_of, checked_key, request_digest
from services.kit.errors import status_of
from services.kit.refusal import Refusal

from .test_submit_topic import resident, staff_entry


@pytest.mark.parametrize("raw", ["", " ", "\t", "x" * 101, "a\nb", "a\x7fb", "键", " lead", "trail "])
def test_what_is_not_a_key_is_refused_with_400(raw: str) -> None:
    with pytest.raises(Refusal) as refused:
        checked_key(raw)
    assert status_of(refused.value) == 400 and refused.value.error == "invalid_idempotency_key"


@pytest.mark.parametrize("raw", ["8e03978e-40d5-43e8-bc93-6894a57f9324", "x" * 100, "a b", "~!@#"])
def test_visible_ascii_up_to_100_is_a_key(raw: str) -> None:
    assert checked_key(raw) == raw and checked_key(None) is None


def test_staff_keys_are_their_own_and_residents_share_the_community() -> None:
    assert caller_of(resident()) == RESIDENT
    assert caller_of(staff_entry()) == "staff:grid-07"


def test_the_same_request_digests_alike_and_any_change_to_it_does_not() -> None:
    same = request_digest(resident(), None, None)
    assert request_digest(resident(), None, None) == same
    assert request_digest(resident(title="泾崇路无停车位啊"), None, None) != same
    assert request_digest(resident(), None, "13800138000") != same
    assert request_digest(staff_entry(), None, None) != same
