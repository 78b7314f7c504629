"""A community's list of meetings without servers: the query's checks and the HTTP wiring on a fake views port."""

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from services.kit.auth import AuthSettings, TokenVerifier, mint_token
from services.kit.errors import install_error_handlers
from services.kit.fakes import FakeService
from services.kit.refusal import INVALID, Refusal
from services.kit.registry import CommunityNames
from services.meeting.entrypoints.lists_http import MeetingListParams, lists_router
from services.meeting.service_layer.meeting_query import (
    AgendaLine, AgendaOutcome, ListedMeeting, MeetingPage, MeetingQuery, meeting_query,
)

KEY = "meeting-lists-unit-test-key-0123456789abcdef"
COMMUNITY = "330102001001"


def test_days_are_china_time_and_the_last_one_is_included() -> None:
    q = meeting_query(COMMUNITY, held_from=date(2026, 6, 1), held_to=date(2026, 6, 30), limit=5, offset=10)
    assert q.held_from == datetime(2026, 5, 31, 16, tzinfo=UTC)
    assert q.held_before == datetime(2026, 6, 30, 16, tzinfo=UTC)
    assert (q.limit, q.offset) == (5, 10)


def test_a_reversed_period_or_a_page_out_of_range_is_invalid() -> None:
    with pytest.raises(Refusal) as refused:
        meeting_query(COMMUNITY, held_from=date(2026, 6, 2), held_to=date(2026, 6, 1))
    assert refused.value.kind is INVALID and refused.value.error == "period_reversed"
    for limit, offset in ((0, 0), (101, 0), (1, -1)):
        with pytest.raises(Refusal, match="limit"):
            meeting_query(COMMUNITY, limit=limit, offset=offset)
    for bad in ({"limit": 0}, {"offset": -1}, {"held_from": "June"}, {"status": "closed"}):
        with pytest.raises(ValidationError):
            MeetingListParams.model_validate(bad)


class RecordingViews:
    def __init__(self, page: MeetingPage) -> None:
        self.page = page
        self.asked: list[MeetingQuery] = []

    async def meeting_page(self, query: MeetingQuery) -> MeetingPage:
        self.asked.append(query)
        return self.page

    async def names_of(self, codes: list[str]) -> dict[str, CommunityNames]:
        return {code: CommunityNames(code, "清波门社区", "清波街道", "上城区", "community", True) for code in codes}


def _meeting(*, opened: bool, closed: bool, agenda: list[AgendaLine]) -> ListedMeeting:
    return ListedMeeting(uuid4(), COMMUNITY, uuid4(), datetime(2026, 6, 1, 2, tzinfo=UTC), "协商议事室", opened, closed, agenda)


@pytest.fixture
def views() -> RecordingViews:
    agenda = [AgendaLine(uuid4(), "环卫工人无处歇脚", AgendaOutcome.adopted), AgendaLine(uuid4(), None, AgendaOutcome.pending)]
    return RecordingViews(MeetingPage(total=3, meetings=[_meeting(opened=True, closed=False, agenda=agenda),
                                                         _meeting(opened=True, closed=True, agenda=[])]))


@pytest.fixture
def http(views: RecordingViews) -> TestClient:
    app = FastAPI()
    install_error_handlers(app)
    app.state.token_verifier = TokenVerifier(AuthSettings(jwt_key=KEY))
    app.include_router(lists_router(FakeService(views)))
    return TestClient(app)


def _as(scope: str, *roles: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(KEY, sub='someone', roles=list(roles), scope=scope)}"}


def test_meetings_come_with_their_status_and_agenda_in_both_languages_and_the_next_page(http, views) -> None:
    r = http.get(f"/communities/{COMMUNITY}/meetings?limit=2&held_to=2026-06-30",
                 headers=_as(COMMUNITY, "council_member"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == 3 and body["next_offset"] == 2
    sitting, done = body["meetings"]
    assert (sitting["status"], sitting["status_zh"], done["status"], done["status_zh"]) == (
        "open", "会议进行中", "closed", "已闭会")
    assert [(a["title"], a["outcome"], a["outcome_zh"]) for a in sitting["agenda"]] == [
        ("环卫工人无处歇脚", "adopted", "形成决议"), (None, "pending", "待议")]
    (asked,) = views.asked
    assert asked.within == COMMUNITY and asked.held_from is None and asked.held_before is not None


def test_refusals_are_bilingual(http, views) -> None:
    url = f"/communities/{COMMUNITY}/meetings"
    cases = (({}, 401, "login_required"), (_as("330102001002", "staff"), 403, "outside_your_community"),
             (_as("330102002", "party_government"), 403, "outside_your_community"),
             (_as(COMMUNITY), 403, "role_not_allowed"))
    for headers, status, error in cases:
        r = http.get(url, headers=headers)
        assert r.status_code == status and r.json()["error"] == error and r.json()["message_en"], r.text
    assert views.asked == []
    assert http.get(url, headers=_as("330102", "cppcc_office")).status_code == 200
