"""The staff lists of topics without servers: the query's checks and the HTTP wiring on a fake views port."""

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError
from yishi_contracts import Category, Channel, Status, TopicSource

from services.council.entrypoints.lists_http import TopicListParams, lists_router
from services.council.service_layer.topic_query import (
    TopicListRow, TopicPage, TopicQuery, TopicSort, search_key, topic_query,
)
from services.kit.auth import AuthSettings, TokenVerifier, mint_token
from services.kit.errors import install_error_handlers
from services.kit.fakes import FakeService
from services.kit.refusal import INVALID, Refusal

KEY = "council-lists-unit-test-key-0123456789abcdef"
COMMUNITY, STREET, DISTRICT = "330102001001", "330102001", "330102"


def test_dates_are_china_time_days_and_the_last_day_is_included() -> None:
    q = topic_query(COMMUNITY, submitted_from=date(2026, 3, 1), submitted_to=date(2026, 3, 31))
    assert q.submitted_from == datetime(2026, 2, 28, 16, tzinfo=UTC)
    assert q.submitted_before == datetime(2026, 3, 31, 16, tzinfo=UTC)


def test_a_reversed_period_and_a_page_out_of_range_are_refused_as_invalid() -> None:
    with pytest.raises(Refusal) as reversed_period:
        topic_query(COMMUNITY, submitted_from=date(2026, 4, 2), submitted_to=date(2026, 4, 1))
    assert reversed_period.value.kind is INVALID and reversed_period.value.error == "period_reversed"
    assert "晚于" in reversed_period.value.message_zh
    for limit, offset in ((0, 0), (101, 0), (20, -1)):
        with pytest.raises(Refusal, match="limit"):
            topic_query(COMMUNITY, limit=limit, offset=offset)


def test_the_title_search_ignores_width_and_case_and_blank_means_none() -> None:
    assert topic_query(COMMUNITY, title=" ＰＡＲＫ停车 ").title_contains == "park停车"
    assert search_key("Ｐark") == search_key("pARK")
    assert topic_query(COMMUNITY, title="   ").title_contains is None


def test_lists_are_taken_repeated_or_comma_separated_and_unknown_codes_or_parameters_refused() -> None:
    p = TopicListParams.model_validate({"status": ["accepted,researched", "closed"], "category": "road_traffic"})
    assert p.status == [Status.accepted, Status.researched, Status.closed]
    assert p.category == [Category.road_traffic]
    for bad in ({"status": "finished"}, {"channel": "fax"}, {"limit": 101}, {"sort": "title"}, {"page": 2},
                {"submitted_from": "2026-13-01"}):
        with pytest.raises(ValidationError):
            TopicListParams.model_validate(bad)


class RecordingViews:
    """The views port answering one prepared page and keeping the queries it was asked."""

    def __init__(self, page: TopicPage) -> None:
        self.page = page
        self.asked: list[TopicQuery] = []

    async def topic_list(self, query: TopicQuery) -> TopicPage:
        self.asked.append(query)
        return self.page

    async def divisions(self, codes: object) -> dict:
        return {}  # no community registered: the lists show codes alone


def _row(community: str, **over: object) -> TopicListRow:
    at = datetime(2026, 3, 1, 2, tzinfo=UTC)
    fields = dict(topic_id=uuid4(), community_id=community, title="中山街无公厕", status=Status.accepted,
                  source="resident", channel="household_visit", category="public_facilities", submitted_at=at,
                  last_step_at=at)
    return TopicListRow(**{**fields, **over})


@pytest.fixture
def views() -> RecordingViews:
    return RecordingViews(TopicPage(total=3, rows=[_row(COMMUNITY), _row("330102001002", category=None,
                                                                         status=Status.submitted)]))


@pytest.fixture
def http(views: RecordingViews) -> TestClient:
    app = FastAPI()
    install_error_handlers(app)
    app.state.token_verifier = TokenVerifier(AuthSettings(jwt_key=KEY))
    app.include_router(lists_router(FakeService(views)))
    return TestClient(app)


def _as(scope: str, *roles: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(KEY, sub='someone', roles=list(roles), scope=scope)}"}


def test_a_street_office_lists_its_communities_with_the_labels_and_the_next_page(http, views) -> None:
    response = http.get(f"/divisions/{STREET}/topics?status=accepted,submitted&source=resident&channel=grid"
                        "&category=public_facilities&title=公厕&submitted_from=2026-03-01&sort=last_step&limit=2",
                        headers=_as(STREET, "party_government"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == 3 and body["next_offset"] == 2 and body["within"] == STREET
    first, second = body["topics"]
    assert first["status_zh"] == "已立项，议前调研中" and first["source_zh"] == "社会征"
    assert first["channel_zh"] == "入户走访" and first["category_zh"] == "公共设施维护"
    assert second["community_id"] == "330102001002" and second["category"] is None and second["category_zh"] is None
    (asked,) = views.asked
    assert asked.within == STREET and asked.statuses == {Status.accepted, Status.submitted}
    assert asked.sources == {TopicSource.resident} and asked.channels == {Channel.grid}
    assert asked.title_contains == "公厕" and asked.sort is TopicSort.last_step and asked.limit == 2


def test_the_last_page_has_no_next_offset(http) -> None:
    body = http.get(f"/communities/{COMMUNITY}/topics?offset=1", headers=_as(COMMUNITY, "staff")).json()
    assert body["next_offset"] is None


def test_refusals_are_bilingual_and_say_who_may(http, views) -> None:
    cases = [
        (f"/communities/{COMMUNITY}/topics", {}, 401, "login_required"),
        (f"/communities/{COMMUNITY}/topics", _as("330102001002", "staff"), 403, "outside_your_community"),
        (f"/divisions/{STREET}/topics", _as(COMMUNITY, "staff"), 403, "outside_your_community"),
        (f"/divisions/{DISTRICT}/topics", _as("330103", "cppcc_office"), 403, "outside_your_community"),
        (f"/communities/{COMMUNITY}/topics", _as(COMMUNITY), 403, "role_not_allowed"),
        (f"/divisions/3301020/topics", _as(DISTRICT, "cppcc_office"), 422, "invalid_input"),
        (f"/communities/{COMMUNITY}/topics?status=finished", _as(COMMUNITY, "staff"), 422, "invalid_input"),
        (f"/communities/{COMMUNITY}/topics?limit=500", _as(COMMUNITY, "staff"), 422, "invalid_input"),
        (f"/communities/{COMMUNITY}/topics?submitted_from=2026-05-02&submitted_to=2026-05-01",
         _as(COMMUNITY, "staff"), 422, "period_reversed"),
    ]
    for url, headers, status, error in cases:
        response = http.get(url, headers=headers)
        assert response.status_code == status, (url, response.text)
        body = response.json()
        assert body["error"] == error and body["message_zh"] and body["message_en"], url
    assert views.asked == []
    assert http.get(f"/divisions/{DISTRICT}/topics", headers=_as(DISTRICT, "cppcc_office")).status_code == 200
