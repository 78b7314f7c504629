"""The kit's idempotency keys in memory: which keys are read at all, which requests count as
the same one, and when a kept answer replays."""

from datetime import UTC, datetime

import pytest

from services.kit.errors import status_of
from services.kit.idempotency import (
    RETENTION, KeptAnswer, KeyedRequest, checked_key, expired_before, replayed, request_digest,
)
from services.kit.refusal import Refusal

T0 = datetime(2026, 12, 1, 9, tzinfo=UTC)


@pytest.mark.parametrize("raw", ["", " ", "\t", "x" * 101, "a\nb", "a\x7fb", "键", " lead", "trail ", "a\x00b"])
def test_what_is_not_a_key_is_refused_with_400_in_both_languages(raw: str) -> None:
    with pytest.raises(Refusal) as refused:
        checked_key(raw)
    assert status_of(refused.value) == 400 and refused.value.error == "invalid_idempotency_key"
    assert refused.value.message_zh and refused.value.message_en


@pytest.mark.parametrize("raw", ["8e03978e-40d5-43e8-bc93-6894a57f9324", "x" * 100, "a b", "~!@#", "k"])
def test_visible_ascii_up_to_100_is_a_key(raw: str) -> None:
    assert checked_key(raw) == raw and checked_key(None) is None


def test_intake_checks_keys_with_the_kits_rules() -> None:
    from services.intake.domain import idempotency as intake

    assert intake.checked_key is checked_key


def test_a_request_digests_by_its_json_as_parsed_not_as_spelled() -> None:
    one = request_digest("POST", "/meetings", b'{"place": "A", "agenda": [1, 2]}')
    assert one == request_digest("post", "/meetings", b'{ "agenda":[1,2],\n "place":"A" }')
    assert len(one) == 64 and int(one, 16) >= 0


@pytest.mark.parametrize("other", [
    ("PUT", "/meetings", b'{"place": "A", "agenda": [1, 2]}'),
    ("POST", "/meetings/x", b'{"place": "A", "agenda": [1, 2]}'),
    ("POST", "/meetings", b'{"place": "B", "agenda": [1, 2]}'),
    ("POST", "/meetings", b'{"place": "A", "agenda": [2, 1]}'),
    ("POST", "/meetings", b""),
])
def test_any_change_of_method_path_or_body_is_another_request(other: tuple[str, str, bytes]) -> None:
    assert request_digest(*other) != request_digest("POST", "/meetings", b'{"place": "A", "agenda": [1, 2]}')


@pytest.mark.parametrize("body", [b"code,name\n330102001051,\xe6\xb8\x85", b'{"a": "\xff"}', b"[" * 100_000])
def test_a_body_that_is_not_json_digests_by_its_bytes(body: bytes) -> None:
    assert request_digest("POST", "/x", body) == request_digest("POST", "/x", body)
    assert request_digest("POST", "/x", body) != request_digest("POST", "/x", body + b" ")


def _request(digest: str = "d1", route: str = "/meetings") -> KeyedRequest:
    return KeyedRequest("meeting", "chair-1", "k-1", route, digest)


def test_the_same_request_replays_the_kept_answer() -> None:
    kept = KeptAnswer("/meetings", "d1", 201, {"meeting_id": "m"}, T0)
    assert replayed(_request(), kept) is kept


@pytest.mark.parametrize("request_", [_request(digest="d2"), _request(route="/meetings/{meeting_id}/opening")])
def test_a_key_sent_with_another_request_is_refused_with_422(request_: KeyedRequest) -> None:
    with pytest.raises(Refusal) as refused:
        replayed(request_, KeptAnswer("/meetings", "d1", 201, {}, T0))
    assert status_of(refused.value) == 422 and refused.value.error == "idempotency_key_reused"
    assert refused.value.message_zh and refused.value.message_en


def test_keys_are_kept_a_day() -> None:
    assert expired_before(T0) == T0 - RETENTION and RETENTION.total_seconds() == 24 * 3600
