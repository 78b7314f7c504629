"""Hostile requests on real PostgreSQL and Kafka: text PostgreSQL cannot store, codes in
full-width digits, a chunked body far over the limit, JSON nested ten thousand deep — each a
clear 4xx, never a 500 or a hang — and a database outage answering 503 until it is back.
Also what the HTTP edge documents: every refusal, the bearer scheme, a /docs page without a
CDN, and the meeting's agenda candidates behind the same token as the council's queue."""

import asyncio
import json
import shutil
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from deploy.localstack import LocalPostgres, free_port
from services.council.app import create_app as council_app
from services.intake.app import create_app as intake_app
from services.kit.auth import AuthSettings, TokenVerifier
from services.kit.http import MAX_BODY_BYTES
from services.meeting.app import create_app as meeting_app
from services.publication.app import create_app as publication_app
from services.system import migrate
from tests.support.eventually import eventually
from tests.support.in_process import bearer, module_settings
from tests.support.registry import seed_runtime

KEY = "hardening-test-key-0123456789abcdef0123"
COMMUNITY = "330102009001"
TOPIC = {"community_id": COMMUNITY, "title": "中山街路灯不亮", "description": "中山街的路灯坏了一个多月，晚上很黑。"}


@pytest.fixture(scope="module")
async def intake(infra) -> AsyncIterator[httpx.AsyncClient]:
    app = intake_app(module_settings(infra, "intake"))
    app.state.token_verifier = TokenVerifier(AuthSettings(jwt_key=KEY))
    await app.state.runtime.start()
    await seed_runtime(app.state.runtime, [COMMUNITY])
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake") as client:
            yield client
    finally:
        await app.state.runtime.stop()


def _bilingual(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] and body["message_zh"] and body["message_en"], body
    return body


@pytest.mark.parametrize(("field", "label"), [("title", "标题"), ("description", "问题描述")])
async def test_nul_in_a_topic_is_a_422_naming_the_field_not_a_500(intake, field: str, label: str) -> None:
    body = _bilingual(await intake.post("/topics", json={**TOPIC, field: TOPIC[field] + "\x00"}), 422)
    assert [f["field"] for f in body["fields"]] == [field] and "U+0000" in body["message_en"]
    assert body["message_zh"].startswith(f"提交的内容有误：{label}：")  # the field as a resident calls it
    contact = await intake.post("/topics", json={**TOPIC, "contact": {"name": "王\x00阿姨"}})
    refused = _bilingual(contact, 422)
    assert [f["field"] for f in refused["fields"]] == ["contact.name"]
    assert "联系方式 · 联系人：" in refused["message_zh"] and "contact" not in refused["message_zh"]


async def test_a_title_of_only_invisible_characters_is_refused(intake) -> None:
    blank = await intake.post("/topics", json={**TOPIC, "title": "\u200b\u2060\ufeff\u200d\ufe0f"})
    assert [f["field"] for f in _bilingual(blank, 422)["fields"]] == ["title"]


async def test_a_community_code_in_full_width_digits_is_refused(intake) -> None:
    wide = await intake.post("/topics", json={**TOPIC, "community_id": "３３０１０２００９００１"})
    assert [f["field"] for f in _bilingual(wide, 422)["fields"]] == ["community_id"]
    assert (await intake.post("/topics", json=TOPIC)).status_code == 201


async def test_a_chunked_body_over_the_limit_is_refused_while_it_arrives(intake) -> None:
    pulled = 0
    chunk = b"x" * 16_384

    async def two_hundred_megabytes() -> AsyncIterator[bytes]:
        nonlocal pulled
        for _ in range(200 * 1024 * 1024 // len(chunk)):
            pulled += 1
            yield chunk

    started = time.monotonic()
    refused = await intake.post("/topics", content=two_hundred_megabytes(), headers={"content-type": "application/json"})
    assert _bilingual(refused, 413)["error"] == "too_large"
    assert pulled * len(chunk) <= MAX_BODY_BYTES + 2 * len(chunk), f"read {pulled} chunks before refusing"
    assert time.monotonic() - started < 5


async def test_a_declared_length_over_the_limit_is_refused_before_reading(intake) -> None:
    pulled = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal pulled
        pulled += 1
        yield b"{}"

    headers = {"content-type": "application/json", "content-length": str(MAX_BODY_BYTES + 1)}
    assert _bilingual(await intake.post("/topics", content=body(), headers=headers), 413)["error"] == "too_large"
    assert pulled == 0


@pytest.mark.parametrize("depth", [10_000, 900])
async def test_deeply_nested_json_is_a_422(intake, depth: int) -> None:
    nested = "[" * depth + "]" * depth
    for content in (nested, json.dumps({**TOPIC, "title": "@"}).replace('"@"', nested)):
        response = await intake.post("/topics", content=content, headers={"content-type": "application/json"})
        assert _bilingual(response, 422)["error"] == "invalid_input"


async def test_a_body_that_is_not_utf8_is_a_422(intake) -> None:
    response = await intake.post("/topics", content=b'{"title": "\xff\xfe"}', headers={"content-type": "application/json"})
    assert _bilingual(response, 422)["error"] == "invalid_input"


# --------------------------------------------------------------------------- outage


@pytest.fixture
async def private_postgres() -> AsyncIterator[LocalPostgres]:
    """A PostgreSQL of this test's own, to stop and start (never the shared one)."""
    root = Path(tempfile.mkdtemp(prefix="yishi-outage-"))
    root.chmod(0o755)  # the unprivileged postgres user must reach its state dir (pytest's tmp_path is 0700)
    postgres = LocalPostgres(root / "postgres", port=free_port())
    try:
        await asyncio.to_thread(postgres.start)
        yield postgres
    finally:
        await asyncio.to_thread(postgres.stop)
        shutil.rmtree(root, ignore_errors=True)


async def test_a_database_outage_answers_503_and_the_service_recovers(infra, private_postgres: LocalPostgres) -> None:
    url = await asyncio.to_thread(private_postgres.create_database, f"intake_{uuid.uuid4().hex[:8]}")
    await asyncio.to_thread(migrate.upgrade, "intake", url)
    settings = module_settings(infra, "intake").model_copy(update={"database_url": url})
    app = intake_app(settings)
    await app.state.runtime.start()
    await seed_runtime(app.state.runtime, [COMMUNITY])
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake") as client:
            assert (await client.post("/topics", json=TOPIC)).status_code == 201
            await asyncio.to_thread(private_postgres.stop)

            down = await client.post("/topics", json=TOPIC)
            assert _bilingual(down, 503)["error"] == "unavailable" and int(down.headers["retry-after"]) > 0
            lookup = await client.get("/receipts/22222-22222")
            assert lookup.status_code == 503 and lookup.headers["retry-after"]
            ready = await client.get("/health/ready")
            assert ready.status_code == 503 and ready.json()["checks"]["database"].startswith("failed")

            await asyncio.to_thread(private_postgres.start)
            back = await eventually(lambda: client.post("/topics", json=TOPIC), lambda r: r.status_code != 503,
                                    what="a submission once PostgreSQL is back", timeout=30)
            assert back.status_code == 201, back.text

            async def readiness() -> tuple[int, Any]:
                answer = await client.get("/health/ready")
                return answer.status_code, answer.json()

            await eventually(readiness, lambda r: r[0] == 200, what="ready again", timeout=30)
    finally:
        await app.state.runtime.stop()


# --------------------------------------------------------------------------- documents and access


def _apps(infra) -> dict[str, Any]:
    def settings(service: str) -> Any:
        from services.kit.settings import KafkaSettings, ServiceSettings

        return ServiceSettings(service=service, database_url="postgresql://unused@127.0.0.1:1/unused",
                               kafka=KafkaSettings(bootstrap_servers=infra.bootstrap_servers))

    return {"intake": intake_app(settings("intake")), "council": council_app(settings("council")),
            "meeting": meeting_app(settings("meeting")), "publication": publication_app(settings("publication"))}


async def _get(app: Any, path: str, **kw: Any) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as client:
        return await client.get(path, **kw)


async def test_every_operation_documents_its_refusals_and_the_bearer_scheme(infra) -> None:
    for name, app in _apps(infra).items():
        document = (await _get(app, "/openapi.json")).json()
        assert document["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer",
                                                                       "bearerFormat": "JWT"}
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                answers = operation["responses"]
                where = f"{name} {method.upper()} {path}"
                assert {"400", "503"} <= set(answers), where
                refusals = [a for status, a in answers.items() if status >= "400" and (path, status) != ("/health/ready", "503")]
                assert all(a["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
                           for a in refusals), where
                if "{" in path:
                    assert "404" in answers and "422" in answers, where
                if "requestBody" in operation:
                    assert "413" in answers, where
                if method != "get":
                    assert "409" in answers, where
                signed = operation.get("security") == [{"bearer": []}]
                assert signed == ("401" in answers) == ("403" in answers), where
        signed_paths = {p for p, ops in document["paths"].items() for o in ops.values() if o.get("security")}
        assert signed_paths or name == "intake", name
    intake_doc = (await _get(_apps(infra)["intake"], "/openapi.json")).json()
    assert intake_doc["paths"]["/staff/topics"]["post"]["security"] == [{"bearer": []}]
    assert "security" not in intake_doc["paths"]["/topics"]["post"]


async def test_the_docs_page_loads_swagger_ui_from_the_service_itself(infra) -> None:
    app = _apps(infra)["council"]
    page = await _get(app, "/docs")
    assert page.status_code == 200 and "http://" not in page.text and "https://" not in page.text
    for asset in ("/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css", "/docs/assets/favicon-32x32.png"):
        assert asset in page.text
        served = await _get(app, asset)
        assert served.status_code == 200 and len(served.content) > 500, asset
    assert (await _get(app, "/redoc")).status_code == 404


async def test_agenda_candidates_need_a_council_or_staff_token_of_the_community(infra) -> None:
    app = _apps(infra)["meeting"]
    app.state.token_verifier = TokenVerifier(AuthSettings(jwt_key=KEY))
    path = f"/communities/{COMMUNITY}/ready-for-agenda"
    assert (await _get(app, path)).status_code == 401
    elsewhere = bearer(KEY, "chair-2", "council_chair", scope="330102009002")
    assert _bilingual(await _get(app, path, headers=elsewhere), 403)["error"] == "outside_your_community"
    resident_office = bearer(KEY, "cppcc-1", "cppcc_office", scope="330102")
    assert _bilingual(await _get(app, path, headers=resident_office), 403)["error"] == "role_not_allowed"
