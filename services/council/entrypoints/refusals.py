"""Council refusals as HTTP: 422 when the request itself is wrong, 409 when the state says no."""

from collections.abc import Iterator
from contextlib import contextmanager

from services.kit.errors import Refusal

from ..domain.refusal import CouncilRefused

INPUT_ERRORS = frozenset({
    "invalid_community", "naive_time", "name_required", "invalid_term", "reason_required",
    "researchers_required", "visit_in_future", "visit_incomplete", "text_length", "merge_into_itself",
    "template_incomplete", "template_reason_required", "template_return_no_reason", "template_unknown",
    "template_invalid", "decision_required",
})


def status_of(refusal: CouncilRefused) -> int:
    return 422 if refusal.error in INPUT_ERRORS else 409


def as_refusal(refusal: CouncilRefused) -> Refusal:
    return Refusal(status_of(refusal), refusal.error, refusal.message_zh, refusal.message_en)


@contextmanager
def refusals() -> Iterator[None]:
    """Turn a domain refusal raised inside the block into the shared bilingual HTTP refusal."""
    try:
        yield
    except CouncilRefused as refusal:
        raise as_refusal(refusal) from refusal
