"""The ledger's figures on real PostgreSQL equal a naive recount over the events: random
histories applied through publication's projection in shuffled batches, read back for
divisions of every level and periods of every length."""

import random
from datetime import UTC, datetime

import pytest
from yishi_contracts import Envelope

from services.kit.db import connect
from services.kit.projection import apply_once
from services.publication.ledger.queries import FIGURES_SQL, SqlLedgerViews, zero
from services.publication.ledger.rules import Period
from services.publication.projection import build_projection
from tests.support.ledger_history import history, recount

NOW = datetime(2027, 3, 1, tzinfo=UTC)
PREFIXES = ("", "3301", "330102", "330102001", "330102001051", "330105001001")
PERIODS = ("2026", "2027", "2026-Q1", "2026-Q2", "2026-Q4", "2026-12", "2027-01", "2026-07")


def _close(a: dict[str, object], b: dict[str, object]) -> list[str]:
    """The figures that differ (medians to within the rounding of their last digit)."""
    differ = []
    for key in a:
        x, y = a[key], b[key]
        if key.startswith("median_") and x is not None and y is not None:
            if abs(float(x) - float(y)) > 0.051:  # type: ignore[arg-type]
                differ.append(key)
        elif x != y:
            differ.append(key)
    return differ


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
async def test_figures_equal_a_recount_of_the_events(make_database, seed: int) -> None:
    rng = random.Random(seed)
    events = history(rng, topics=40)
    envelopes = [Envelope.wrap(e, source="/yishi/test") for e in events]
    rng.shuffle(envelopes)
    projection = build_projection(None)  # type: ignore[arg-type]  # reactions are not run here
    conn = await connect(make_database("publication"))
    try:
        while envelopes:
            size = rng.randrange(1, 30)
            batch, envelopes = envelopes[:size], envelopes[size:]
            async with conn.transaction():
                await apply_once(conn, projection, batch + batch[:1], service="publication", reactions=False)
        views = SqlLedgerViews(conn)
        rollup_rows = await conn.fetchval("SELECT count(*) FROM ledger_months WHERE n <> 0")
        assert rollup_rows > 0
        for prefix in PREFIXES:
            for name in PERIODS:
                period = Period.parse(name)
                found = (await views.figures(prefix, period.start, period.end, period.as_of(NOW), 0)).get("", zero())
                expected = {**zero(), **recount(events, prefix, period.start, period.end, period.as_of(NOW))}
                assert not _close(found, expected), (prefix, name, {k: (found[k], expected[k])
                                                                   for k in _close(found, expected)})
    finally:
        await conn.close()


async def test_the_rollup_and_the_fact_rows_give_the_same_figures(make_database) -> None:
    events = history(random.Random(5), topics=60)
    conn = await connect(make_database("publication"))
    try:
        projection = build_projection(None)  # type: ignore[arg-type]
        for e in events:  # one event per transaction: the rollup's subtract-and-add at every step
            async with conn.transaction():
                await apply_once(conn, projection, [Envelope.wrap(e, source="/yishi/test")], service="publication",
                                 reactions=False)
        views = SqlLedgerViews(conn)
        for name in ("2026", "2026-Q2", "2027-01"):
            period = Period.parse(name)
            args = (period.start, period.end, period.as_of(NOW))
            rolled = await views.figures("330102", *args, 0)
            counted = await conn.fetch(FIGURES_SQL, "330102", *args, 0)
            assert rolled[""] == {k: (float(v) if k.startswith("median_") and v is not None else v)
                                  for k, v in dict(counted[0]).items() if k != "g"}
    finally:
        await conn.close()


async def test_side_by_side_rows_add_up_to_the_whole(make_database) -> None:
    events = history(random.Random(9), topics=60)
    conn = await connect(make_database("publication"))
    try:
        async with conn.transaction():
            await apply_once(conn, build_projection(None), [Envelope.wrap(e, source="/yishi/test") for e in events],  # type: ignore[arg-type]
                             service="publication", reactions=False)
        period = Period.parse("2026")
        views = SqlLedgerViews(conn)
        whole = (await views.figures("3301", period.start, period.end, NOW, 0))[""]
        rows = await views.figures("3301", period.start, period.end, NOW, 12)
        assert set(rows) <= {"330102001051", "330102001052", "330102002001", "330105001001"} and len(rows) > 1
        for key in ("received", "accepted", "meetings_held", "satisfied", "implementations_overdue"):
            assert sum(r[key] for r in rows.values()) == whole[key], key
    finally:
        await conn.close()
