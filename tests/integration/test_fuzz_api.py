"""Schema-driven fuzzing (schemathesis) of the four services' OpenAPI documents, each served
by uvicorn on the session's real Kafka and PostgreSQL, with and without a valid token: no
answer is a server error, and every answer is one the document lists, with the body, type
and headers it says.

A modest run here (``YISHI_FUZZ_EXAMPLES`` examples per operation, default 6, valid and
invalid data); a longer one is the README's command, e.g. ``YISHI_FUZZ_EXAMPLES=200``.
The valid token holds every role for the province "33", and its requests name one community
of it, so fuzzed commands reach the use cases and the database, not only the token check.
"""

import asyncio
import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
import uvicorn
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance, not_a_server_error, response_headers_conformance, response_schema_conformance,
    status_code_conformance,
)

from deploy.localstack import free_port
from services.council.app import create_app as council_app
from services.intake.app import create_app as intake_app
from services.kit.auth import AuthSettings, Role, TokenVerifier, mint_token
from services.meeting.app import create_app as meeting_app
from services.publication.app import create_app as publication_app
from tests.support.in_process import module_settings

KEY = "fuzz-test-key-0123456789abcdef0123456789"
COMMUNITY = "330102007001"
EXAMPLES = int(os.environ.get("YISHI_FUZZ_EXAMPLES", "6"))
APPS = {"intake": intake_app, "council": council_app, "meeting": meeting_app, "publication": publication_app}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
# schemathesis' own strategies draw from `random`; hypothesis warns about it on every run
pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")
TOKEN = {"Authorization": f"Bearer {mint_token(KEY, sub='fuzz-1', roles=[r.value for r in Role], scope='33')}"}


class Served:
    """One service under uvicorn in a thread of its own (its own event loop, as in production)."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=lambda: asyncio.run(self.server.serve()), daemon=True)

    def __enter__(self) -> "Served":
        self.thread.start()
        for _ in range(600):
            if self.server.started or not self.thread.is_alive():
                break
            threading.Event().wait(0.1)
        assert self.server.started, "the service did not start"
        return self

    def __exit__(self, *_: Any) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture(scope="module")
def served(infra) -> Iterator[dict[str, Served]]:
    running: dict[str, Served] = {}
    try:
        for name, create in APPS.items():
            app = create(module_settings(infra, name))
            app.state.token_verifier = TokenVerifier(AuthSettings(jwt_key=KEY))
            running[name] = Served(app).__enter__()
        yield running
    finally:
        for service in running.values():
            service.__exit__()


def _in_our_community(case: Any) -> None:
    if case.path_parameters and "community_id" in case.path_parameters:
        case.path_parameters["community_id"] = COMMUNITY
    if isinstance(case.body, dict) and "community_id" in case.body:
        case.body["community_id"] = COMMUNITY


def _fuzz(operation: Any, base_url: str, signed: bool, session: requests.Session) -> None:
    strategy = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE)

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def one(case: Any) -> None:
        if signed:
            _in_our_community(case)
        response = case.call(base_url=base_url, session=session, headers=TOKEN if signed else None, timeout=30)
        case.validate_response(response, checks=CHECKS)

    one()


@pytest.mark.parametrize("signed", [False, True], ids=["no-token", "valid-token"])
@pytest.mark.parametrize("service", list(APPS))
def test_fuzzing_finds_no_server_error_and_no_undocumented_answer(served, service: str, signed: bool) -> None:
    base_url = served[service].url
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    failures: list[str] = []
    with requests.Session() as session:
        for result in schema.get_all_operations():
            operation = result.ok()
            try:
                _fuzz(operation, base_url, signed, session)
            except Exception as exc:  # noqa: BLE001 — every operation is tried; all failures are reported
                failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)
