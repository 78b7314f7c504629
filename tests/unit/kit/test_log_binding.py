"""``logs.bound``: the fields a block's log lines carry, and what was bound before back after it,
whether the block ends or fails."""

import pytest
import structlog

from services.kit.logs import bound


def _bound() -> dict[str, object]:
    return structlog.contextvars.get_contextvars()


def test_a_block_binds_its_fields_and_gives_back_what_was_bound_before() -> None:
    with bound(correlation_id="outer"):
        with bound(correlation_id="inner", topic_id="t"):
            assert _bound() == {"correlation_id": "inner", "topic_id": "t"}
        assert _bound() == {"correlation_id": "outer"}
    assert _bound() == {}


def test_a_failing_block_gives_them_back_too() -> None:
    with pytest.raises(LookupError), bound(event_type="yishi.TopicSubmitted.v1"):
        raise LookupError
    assert _bound() == {}
