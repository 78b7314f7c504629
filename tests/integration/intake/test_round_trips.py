"""What one POST /topics asks of PostgreSQL (real PostgreSQL and Kafka): its transaction's
statements, no registry lookup while the community is known to be open, and the receipt view
kept by the consumer in batches: the receipt reads whole at once all the same."""

import asyncio

import httpx
import pytest

from services.intake.app import create_app
from services.kit.db import create_pool
from tests.support.eventually import eventually
from tests.support.registry import seed_runtime

COMMUNITY = "330102001051"
BODY = {"community_id": COMMUNITY, "title": "清波街路灯不亮", "description": "清波街的路灯坏了一个多月，晚上很黑。"}


@pytest.fixture
async def intake(make_database, settings_for):
    app = create_app(settings_for("intake", make_database("intake")))
    runtime = app.state.runtime
    await runtime.start()
    await seed_runtime(runtime, [COMMUNITY])
    statements: list[str] = []
    listened: list[object] = []

    async def listening(conn) -> None:  # every statement on the pool's one connection, in order
        if not listened:
            listened.append(conn.add_query_logger(lambda logged: statements.append(" ".join(logged.query.split()))))

    served, runtime.pool = runtime.pool, await create_pool(runtime.settings.database_url, max_size=1, setup=listening)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake") as client:
        yield client, statements, runtime
    await runtime.pool.close()
    runtime.pool = served
    await runtime.stop()


async def _submitting(client: httpx.AsyncClient, statements: list[str]) -> list[str]:
    """The statements of one submission's transaction (the pool's reset on release aside)."""
    statements.clear()
    assert (await client.post("/topics", json=BODY)).status_code == 201
    await asyncio.sleep(0.05)  # the query logger is called soon after each statement, not at once
    return [s for s in statements if "pg_advisory_unlock_all" not in s]


def _reads_registry(statements: list[str]) -> bool:
    return any("registry_divisions" in s for s in statements)


async def test_a_submission_is_one_transaction_of_two_statements_without_a_registry_read(intake) -> None:
    client, statements, _ = intake
    assert _reads_registry(await _submitting(client, statements)), "the first submission reads the community's standing"
    # Right after the registration the replica may not have committed yet: nothing is kept for a second.
    second = await eventually(lambda: _submitting(client, statements), lambda s: not _reads_registry(s),
                              what="a submission without a registry read", timeout=5)
    assert second[0] == "BEGIN;" and second[-1] == "COMMIT;", second
    # the event with its outbox row, then the private row (the receipt view is the consumer's)
    assert [s.split(" (")[0] for s in second[1:-1]] == ["WITH new AS", "WITH kept AS"], second


async def test_the_receipt_reads_whole_before_and_after_the_receipt_view_has_the_topic(intake) -> None:
    client, _, runtime = intake
    receipt = (await client.post("/topics", json=BODY)).json()

    async def shown() -> tuple:
        r = (await client.get(f"/receipts/{receipt['receipt_code']}")).json()
        return r["title"], r["status"], [(h["step"], h["label_zh"]) for h in r["history"]]

    first = await shown()
    assert first == (BODY["title"], "submitted", [("submitted", "已收集，待确定议题")]), first

    async def in_the_view() -> int:
        return await runtime.pool.fetchval("SELECT count(*) FROM topic_progress WHERE topic_id = $1::uuid",
                                           receipt["topic_id"])

    await eventually(in_the_view, lambda n: n == 1, what="the consumer putting the topic in the receipt view")
    assert await shown() == first
