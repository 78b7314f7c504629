"""The council's topics view: every step of the lifecycle kept, the status derived by the lifecycle."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from yishi_contracts import Status
from yishi_contracts.lifecycle import LIFECYCLE_EVENTS

from services.council.adapters.topics_view import STEP_COLUMNS, status_from
from services.council.projection import build_projection

from .fakes import council_service

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
COLUMNS = sorted(set(STEP_COLUMNS.values()))


def row(**times: datetime | str | None) -> dict[str, datetime | str | None]:
    return {**dict.fromkeys(COLUMNS), "screened_outcome": None, **times}


def test_every_status_has_its_step_column_and_every_lifecycle_event_is_followed() -> None:
    assert set(STEP_COLUMNS) == set(Status)
    followed = set(build_projection(council_service()).event_types)  # type: ignore[arg-type]
    assert set(LIFECYCLE_EVENTS) <= followed


def test_the_latest_step_gives_the_status() -> None:
    assert status_from(row(submitted_at=T0)) is Status.submitted
    assert status_from(row(submitted_at=T0, screened_at=T0, screened_outcome="accepted")) is Status.accepted, \
        "a screening at the submission's instant comes after it in the procedure"
    returned = row(submitted_at=T0, screened_at=T0 + timedelta(days=1), screened_outcome="returned")
    assert status_from(returned) is Status.returned
    assert status_from({**returned, "resubmitted_at": T0 + timedelta(days=2)}) is Status.resubmitted
    researched = row(submitted_at=T0, screened_at=T0, screened_outcome="accepted", research_completed_at=T0 + timedelta(days=3))
    assert status_from(researched) is Status.researched
    deferred = {**researched, "deferred_at": T0 + timedelta(days=5), "research_reopened_at": T0 + timedelta(days=5, hours=1)}
    assert status_from(deferred) is Status.researching
    assert status_from({**deferred, "closed_at": T0 + timedelta(days=40)}) is Status.closed
    assert status_from(row(screened_at=T0, screened_outcome="rejected")) is Status.rejected


@given(st.permutations(list(STEP_COLUMNS.items())))
def test_whichever_step_is_latest_is_the_status(steps: list[tuple[Status, str]]) -> None:
    times: dict[str, datetime | str | None] = {}
    last = None
    for hours, (status, column) in enumerate(steps):
        if column == "screened_at":
            if column in times:
                continue  # one screening column: its latest outcome
            times["screened_outcome"] = status.value
        times[column] = T0 + timedelta(hours=hours)
        last = status
    assert status_from(row(**times)) is last
