"""Intake's rules: who submits what through which channel; receipt codes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.intake.domain.receipt import ALPHABET, new_receipt_code, normalise_receipt_code
from services.intake.domain.submission import SubmissionRefused, SubmitTopic, submit

from ..factories import COMMUNITY, NOW


def command(**over: object) -> SubmitTopic:
    fields = dict(
        community_id=COMMUNITY,
        title="泾崇路无停车位",
        description="泾崇路沿线没有任何停车位，车辆乱停影响通行。",
        source="resident",
        channel="online",
        submitted_by="resident",
    )
    return SubmitTopic(**{**fields, **over})


def test_a_resident_submits_online_as_a_resident() -> None:
    event = submit(command(), now=NOW)
    assert event.source == "resident" and event.channel == "online" and event.staff_id is None


@pytest.mark.parametrize(
    "over, error",
    [
        ({"source": "party_government"}, "source_not_allowed"),
        ({"channel": "phone"}, "channel_not_allowed"),
        ({"submitted_by": "staff", "channel": "phone"}, "staff_id_required"),
        ({"submitted_by": "staff", "staff_id": "g-17", "source": "party_government"}, "channel_not_allowed"),
    ],
)
def test_refusals_name_the_rule(over: dict, error: str) -> None:
    with pytest.raises(SubmissionRefused) as refused:
        submit(command(**over), now=NOW)
    assert refused.value.error == error and refused.value.message_zh


@pytest.mark.parametrize("channel", ["service_station", "household_visit", "grid", "phone"])
@pytest.mark.parametrize("source", ["party_government", "council_member", "resident"])
def test_staff_enter_any_source_from_offline_channels(source: str, channel: str) -> None:
    event = submit(command(submitted_by="staff", staff_id="grid-07", source=source, channel=channel), now=NOW)
    assert event.staff_id == "grid-07" and event.channel == channel


def test_receipt_codes_are_readable_and_unique_enough() -> None:
    codes = {new_receipt_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in list(codes)[:50]:
        assert len(code) == 11 and code[5] == "-" and not set(code.replace("-", "")) - set(ALPHABET)


@given(st.text(alphabet=ALPHABET, min_size=10, max_size=10), st.sampled_from(["", "-", " ", "－"]))
def test_what_a_resident_types_normalises_to_the_code(raw: str, sep: str) -> None:
    canonical = f"{raw[:5]}-{raw[5:]}"
    assert normalise_receipt_code(f" {raw[:5].lower()}{sep}{raw[5:]} ") == canonical


@pytest.mark.parametrize("typed", ["", "ABC", "0000000000", "ABCDE-FGHJK-L", "ABCDE-FGHJ!"])
def test_what_cannot_be_a_code_is_refused(typed: str) -> None:
    assert normalise_receipt_code(typed) is None
