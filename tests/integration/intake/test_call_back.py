"""Calling a submitter back on real PostgreSQL: the read is answered with its record committed,
refused reads leave none, the district office lists them, and no log line carries the contact."""

import io
import json
import logging

import pytest
import structlog

from services.intake.app import build_runtime
from services.intake.entrypoints.call_back_http import call_back_router
from services.intake.entrypoints.http import intake_router
from services.kit import logs
from tests.support.in_process import bearer, module_settings, running

KEY = "intake-call-back-test-key-0123456789abcdef"
QINGBOMEN, LAODONGLU = "330102001051", "330102001052"
NAME, PHONE = "王阿姨", "13912345678"
BODY = {"community_id": QINGBOMEN, "title": "清波门公厕太远", "description": "清波门一带没有公共厕所，老人很不方便。",
        "contact": {"name": NAME, "phone": PHONE}}


@pytest.fixture(scope="module")
async def intake(infra):
    runtime = build_runtime(module_settings(infra, "intake"))
    app = runtime.create_app(title="intake under test", routers=[intake_router(runtime), call_back_router(runtime)])
    async with running(infra, runtime, app, key=KEY) as (client, _producer, db):
        yield client, db


@pytest.fixture
def log_lines():
    """The process's log lines as the kit writes them, into a buffer; logging as it was afterwards."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    out = io.StringIO()
    logs.configure("intake", fmt="json", level="DEBUG", stream=out)
    try:
        yield out
    finally:
        root.handlers, root.level = saved
        logging.captureWarnings(False)
        structlog.reset_defaults()


def token(sub: str, role: str, scope: str = QINGBOMEN) -> dict[str, str]:
    return bearer(KEY, sub, role, scope=scope)


async def test_a_read_is_answered_and_recorded_and_the_district_lists_it(intake) -> None:
    client, db = intake
    topic_id = (await client.post("/topics", json=BODY)).json()["topic_id"]
    r = await client.get(f"/staff/topics/{topic_id}/contact", headers=token("qbm-chair", "council_chair"))
    assert r.status_code == 200, r.text
    assert (r.json()["name"], r.json()["phone"]) == (NAME, PHONE) and "已记录" in r.json()["message_zh"]
    row = await db.fetchrow("SELECT * FROM contact_reads WHERE topic_id = $1", r.json()["topic_id"])
    assert (row["reader_id"], row["reader_roles"], row["community_id"]) == ("qbm-chair", ["council_chair"], QINGBOMEN)
    assert PHONE not in str(dict(row)) and NAME not in str(dict(row))

    listed = await client.get("/contact-reads", params={"division": "330102001"},
                              headers=token("sc-district", "district_office", "330102"))
    assert listed.status_code == 200, listed.text
    reads = [x for x in listed.json()["reads"] if x["topic_id"] == topic_id]
    assert [(x["reader_id"], x["community_id"]) for x in reads] == [("qbm-chair", QINGBOMEN)]
    assert PHONE not in listed.text


@pytest.mark.parametrize(("headers", "status", "error"), [
    ({}, 401, "login_required"),
    (token("ldl-staff", "staff", LAODONGLU), 403, "outside_your_community"),
    (token("qbm-member", "council_member"), 403, "role_not_allowed"),
])
async def test_a_refused_read_says_why_in_both_languages_and_leaves_no_record(intake, headers, status, error) -> None:
    client, db = intake
    topic_id = (await client.post("/topics", json=BODY)).json()["topic_id"]
    r = await client.get(f"/staff/topics/{topic_id}/contact", headers=headers)
    assert (r.status_code, r.json()["error"]) == (status, error), r.text
    assert r.json()["message_zh"] and r.json()["message_en"] and PHONE not in r.text
    assert await db.fetchval("SELECT count(*) FROM contact_reads WHERE topic_id = $1::uuid", topic_id) == 0


async def test_audit_requests_out_of_scope_or_malformed_are_refused(intake) -> None:
    client, _ = intake
    district = token("sc-district", "district_office", "330102")
    for params, status, error in (({"division": "330106"}, 403, "outside_your_community"),
                                  ({"division": "33010"}, 422, "invalid_division"),
                                  ({"page": "0"}, 422, "invalid_page")):
        r = await client.get("/contact-reads", params=params, headers=district)
        assert (r.status_code, r.json()["error"]) == (status, error), r.text
    r = await client.get("/contact-reads", headers=token("qbm-staff", "staff"))
    assert (r.status_code, r.json()["error"]) == (403, "role_not_allowed")


async def test_the_reads_log_lines_carry_no_contact(intake, log_lines) -> None:
    client, _ = intake
    topic_id = (await client.post("/topics", json=BODY)).json()["topic_id"]
    r = await client.get(f"/staff/topics/{topic_id}/contact", headers=token("qbm-staff", "staff"))
    assert r.status_code == 200
    lines = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    audit = [line for line in lines if line.get("reader_id") == "qbm-staff"]
    assert audit and audit[0]["topic_id"] == topic_id and audit[0]["community_id"] == QINGBOMEN
    text = log_lines.getvalue()
    assert PHONE not in text and NAME not in text
    assert logs.REDACTED not in text  # nothing even tried to write it
