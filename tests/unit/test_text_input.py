"""What a person may write: control characters and blank-only text are refused with a
bilingual 422 naming the field, text is kept in NFC, community codes are ASCII digits, and a
token's division and subject are checked the same way."""

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import uuid4

import httpx
import jwt
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, StringConstraints, TypeAdapter, ValidationError
from yishi_contracts import CommunityId
from yishi_contracts.base import OneLine, Paragraphs

from services.council.entrypoints.councils_http import ChairBody, Departure
from services.council.entrypoints.research_http import Plan, Visit
from services.council.entrypoints.screening_http import Screening, TemplateBody, _request
from services.intake.entrypoints.http import Details, ResidentSubmission
from services.kit.auth import AuthSettings, TokenVerifier
from services.kit.errors import install_error_handlers
from services.meeting.entrypoints.models import MinutesBody, ResolutionBody, ScheduleBody
from services.publication.entrypoints.http import ObjectionIn, RatingIn
from services.publication.entrypoints.staff import EscalationIn, ReopeningIn

KEY = "unit-test-key-0123456789abcdef0123456789"
COMMUNITY = "330102001001"
FULL_WIDTH = "３３０１０２００１００１"

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80), OneLine]
Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), Paragraphs]
TITLE: TypeAdapter[str] = TypeAdapter(Title)
BODY: TypeAdapter[str] = TypeAdapter(Body)
INVISIBLE = ["\u200b\u200c\u200d", "\u2060\ufeff", "\ufe0f\ufe0e", "\u3164\u3164", "\u2800", "\u0301\u0301",
             "\U000e0041\U000e0042", "\u00ad\u200b"]


def _error(adapter: TypeAdapter[Any], value: Any) -> str:
    with pytest.raises(ValidationError) as refused:
        adapter.validate_python(value)
    return refused.value.errors()[0]["type"]


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b", "\x7f", "\x9b", "\u202e", "\u2066"])
def test_control_characters_and_direction_overrides_are_refused_in_any_text(control: str) -> None:
    assert _error(TITLE, f"路灯{control}不亮") == "text_control_character"
    assert _error(BODY, f"路灯{control}不亮") == "text_control_character"


@pytest.mark.parametrize("blank", INVISIBLE)
def test_text_of_only_invisible_characters_is_refused(blank: str) -> None:
    assert _error(TITLE, blank) == "text_invisible"
    assert _error(BODY, f" {blank}\n{blank} ") == "text_invisible"


def test_a_title_is_one_line_and_a_description_keeps_its_lines_and_tabs() -> None:
    assert _error(TITLE, "路灯\n不亮") == "text_line_break"
    assert _error(TITLE, "路灯\u2028不亮") == "text_line_break"
    assert _error(TITLE, "路灯\t不亮") == "text_control_character"
    assert BODY.validate_python("第一行\r\n第二行\r第三行\n\t缩进") == "第一行\n第二行\n第三行\n\t缩进"


def test_text_is_kept_in_nfc_and_visible_text_with_joiners_passes() -> None:
    assert TITLE.validate_python("Cafe\u0301") == "Café"
    assert TITLE.validate_python("👩\u200d👧 家庭") == "👩\u200d👧 家庭"
    assert TITLE.validate_python("  中山街  ") == "中山街"


@pytest.mark.parametrize("code", [FULL_WIDTH, "٣٣٠١٠٢٠٠١٠٠١", "33010200100１", "33010200100", "3301020010011"])
def test_a_community_code_is_twelve_ascii_digits(code: str) -> None:
    assert _error(TypeAdapter(CommunityId), code) == "string_pattern_mismatch"
    assert TypeAdapter(CommunityId).validate_python(COMMUNITY) == COMMUNITY


NUL = "\x00"
REQUESTS: list[tuple[type[BaseModel], dict[str, Any], str]] = [
    (ResidentSubmission, {"community_id": COMMUNITY, "title": f"路灯{NUL}不亮", "description": "中山街路灯坏了一个月"}, "title"),
    (ResidentSubmission, {"community_id": COMMUNITY, "title": "路灯不亮了", "description": f"中山街路灯{NUL}坏了一个月"},
     "description"),
    (ResidentSubmission, {"community_id": COMMUNITY, "title": "路灯不亮了", "description": "中山街路灯坏了一个月",
                          "contact": {"name": f"王{NUL}"}}, "contact.name"),
    (Details, {"details": f"补充{NUL}材料，路灯在中山街"}, "details"),
    (ChairBody, {"member_id": f"m{NUL}", "name": "李主席"}, "member_id"),
    (Departure, {"reason": f"搬{NUL}家"}, "reason"),
    (Visit, {"visited_on": "2026-01-02", "place": f"中山{NUL}街", "notes": "路灯坏了"}, "place"),
    (Plan, {"plan": "议事方案", "invitees": [{"kind": "stakeholder", "description": f"居民{NUL}代表"}]},
     "invitees.0.description"),
    (TemplateBody, {"name": "模板", "kind": "rejection", "text": f"不属于{NUL}协商范围"}, "text"),
    (ScheduleBody, {"community_id": COMMUNITY, "scheduled_for": "2026-01-02T10:00:00+08:00", "place": f"议事{NUL}厅",
                    "agenda": ["00000000-0000-0000-0000-000000000001"]}, "place"),
    (MinutesBody, {"topic_id": "00000000-0000-0000-0000-000000000001", "speaker_id": "m1", "kind": "statement",
                   "text": f"发言{NUL}"}, "text"),
    (ResolutionBody, {"text": "形成决议", "measures": [{"description": f"修{NUL}路", "responsible_party": "街道",
                                                      "deadline": "2026-03-01"}]}, "measures.0.description"),
    (ObjectionIn, {"text": f"我有异议{NUL}，理由如下"}, "text"),
    (ReopeningIn, {"reason": "居民不满意", "measures": [{"description": "修路", "responsible_party": f"街{NUL}道",
                                                       "deadline": "2026-03-01"}]}, "measures.0.responsible_party"),
    (EscalationIn, {"kind": "cppcc_proposal", "summary": f"超出社区权限的事项{NUL}需要政协关注"}, "summary"),
]


@pytest.mark.parametrize(("model", "body", "field"), REQUESTS, ids=[f"{m.__name__}.{f}" for m, _, f in REQUESTS])
def test_every_services_request_models_refuse_nul(model: type[BaseModel], body: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        model.model_validate(body)
    [error] = refused.value.errors()
    assert (".".join(map(str, error["loc"])), error["type"]) == (field, "text_control_character")


def test_a_screening_decisions_explanation_refuses_nul_too() -> None:
    body = Screening.model_validate({"outcome": "rejected", "reason": "infeasible", "explanation": f"无法{NUL}实施的事项"})
    with pytest.raises(Exception) as refused:
        _request("00000000-0000-0000-0000-000000000001", body)  # type: ignore[arg-type]
    assert [e["type"] for e in refused.value.errors()] == ["text_control_character"]  # type: ignore[attr-defined]


def test_a_rating_receipt_code_refuses_control_characters_and_reads_full_width_as_ascii() -> None:
    from yishi_contracts.receipts import receipt_check

    from services.publication.domain import proven_code

    with pytest.raises(ValidationError):
        RatingIn.model_validate({"rating": "satisfied", "receipt_code": f"7K3MQ{NUL}9XD4P"})
    typed = RatingIn.model_validate({"rating": "satisfied", "receipt_code": "７Ｋ３ＭＱ-９ＸＤ４Ｐ"}).receipt_code
    topic_id = uuid4()
    assert proven_code([(topic_id, receipt_check("s", topic_id, "7K3MQ-9XD4P"))], typed, secret="s") == "7K3MQ-9XD4P"
    with pytest.raises(Exception) as refused:
        proven_code([(uuid4(), "x" * 43)], typed, secret="s")
    assert refused.value.error == "wrong_receipt_code"  # type: ignore[attr-defined]


async def test_the_422_names_the_field_in_chinese_and_english() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/topics")
    async def submit(body: ResidentSubmission) -> dict[str, str]:
        return {"title": body.title}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        nul = await client.post("/topics", json={**REQUESTS[0][1]})
        blank = await client.post("/topics", json={**REQUESTS[0][1], "title": "\u200b\u200b\u200b\u200b"})
        code = await client.post("/topics", json={**REQUESTS[1][1], "description": "中山街路灯坏了一个月",
                                                  "community_id": FULL_WIDTH})
    assert nul.status_code == blank.status_code == code.status_code == 422
    assert nul.json()["fields"] == [{"field": "title", "message_zh": "不能包含控制字符（U+0000）",
                                     "message_en": "must not contain the control character U+0000"}]
    assert blank.json()["fields"][0]["field"] == "title" and "不可见" in blank.json()["message_zh"]
    assert code.json()["fields"][0]["field"] == "community_id" and code.json()["message_en"]


@pytest.mark.parametrize("division", [FULL_WIDTH, "3301020010", "33010200100x", "1"])
def test_a_token_whose_division_is_not_a_code_prefix_is_refused(division: str) -> None:
    token = jwt.encode({"sub": "s-1", "roles": ["staff"], "division": division, "exp": 2**31, "iss": "yishi",
                        "aud": "yishi"}, KEY)
    with pytest.raises(jwt.InvalidTokenError, match="division"):
        TokenVerifier(AuthSettings(jwt_key=KEY)).verify(token)


@pytest.mark.parametrize("sub", ["s\x00", "  ", "\u200b", "s\n1", "x" * 121])
def test_a_token_whose_subject_is_not_a_usable_id_is_refused(sub: str) -> None:
    token = jwt.encode({"sub": sub, "roles": ["staff"], "division": COMMUNITY, "exp": 2**31, "iss": "yishi",
                        "aud": "yishi"}, KEY)
    with pytest.raises(jwt.InvalidTokenError, match="subject"):
        TokenVerifier(AuthSettings(jwt_key=KEY)).verify(token)


def test_the_domains_take_only_ascii_digits_as_a_community_code() -> None:
    from services.council.domain.council import form_council
    from services.council.domain.refusal import CouncilRefused
    from services.meeting.domain.decisions import _COMMUNITY_ID

    assert _COMMUNITY_ID.match("330102001051") and not _COMMUNITY_ID.match("３３０１０２００１０５１")
    with pytest.raises(CouncilRefused):
        form_council(uuid4(), "３３０１０２００１０５１", now=datetime.now(UTC))
