"""upsert_rows on real PostgreSQL: ``updated_only`` answers only the rows that were there before;
many rows (staged by COPY) end as a few do (one statement of arrays)."""

from uuid import uuid4

import pytest

from services.kit.db import connect
from services.kit.upsert import STAGED_FROM, upsert_rows


async def test_updated_only_returns_the_rows_that_existed_before_and_writes_all(infra) -> None:
    conn = await connect(infra.create_database(f"upsert_{uuid4().hex[:10]}"))
    try:
        await conn.execute("CREATE TABLE steps (topic_id uuid PRIMARY KEY, community_id text, seen_at int, note text)")
        old, new = uuid4(), uuid4()
        await conn.execute("INSERT INTO steps VALUES ($1, '330102001051', 1, 'before')", old)
        rows = [{"topic_id": old, "community_id": "330102001051", "seen_at": 5, "note": "again"},
                {"topic_id": new, "community_id": "330102001052", "seen_at": 3, "note": "first"}]
        written = await upsert_rows(conn, "steps", rows, latest=("seen_at",), returning=("topic_id", "note"),
                                    updated_only=True)
        assert [(r["topic_id"], r["note"]) for r in written] == [(old, "again")]
        every = await upsert_rows(conn, "steps", rows, latest=("seen_at",), returning=("topic_id",))
        assert {r["topic_id"] for r in every} == {old, new}
        table = {r["topic_id"]: (r["seen_at"], r["note"]) for r in await conn.fetch("SELECT * FROM steps")}
        assert table == {old: (5, "again"), new: (3, "first")}
    finally:
        await conn.close()


@pytest.mark.parametrize("extra", [0, STAGED_FROM], ids=["one statement", "staged by COPY"])
async def test_both_ways_leave_the_same_rows_json_arrays_duplicates_and_all(infra, extra: int) -> None:
    """A few rows go as arrays in one statement, many through COPY and the staging table: the
    table ends the same, inside a transaction or not, twice in a row in one transaction too."""
    conn = await connect(infra.create_database(f"upsert_{uuid4().hex[:10]}"))
    try:
        await conn.execute("CREATE TABLE mixed_steps (topic_id uuid PRIMARY KEY, community_id text NOT NULL, "
                           "seen_at int, tags text[], decision jsonb, note text)")
        old, twice = uuid4(), uuid4()
        await conn.execute("INSERT INTO mixed_steps VALUES ($1, '330102001051', 9, '{a}', NULL, 'before')", old)
        many = [{"topic_id": uuid4(), "community_id": "330102001052", "seen_at": i, "tags": ["x", str(i)],
                 "decision": {"by": uuid4(), "n": i}, "note": None} for i in range(extra)]
        rows = [{"topic_id": old, "community_id": "ignored", "seen_at": 5, "tags": ["b", "c"],
                 "decision": {"at": "2026-03-02"}, "note": "again"},
                {"topic_id": twice, "community_id": "330102001052", "seen_at": 7, "tags": [], "decision": None,
                 "note": "first"},
                {"topic_id": twice, "community_id": "330102001053", "seen_at": 3, "tags": ["d"],
                 "decision": [1, 2], "note": "second"}, *many]
        written = await upsert_rows(conn, "mixed_steps", rows, latest=("seen_at",), returning=("topic_id", "note"),
                                    updated_only=True)
        assert [(r["topic_id"], r["note"]) for r in written] == [(old, "again")]
        async with conn.transaction():
            await upsert_rows(conn, "mixed_steps", many, latest=("seen_at",))
            await upsert_rows(conn, "mixed_steps", [{**r, "note": "later"} for r in many], latest=("seen_at",))
        table = {r["topic_id"]: r for r in await conn.fetch("SELECT * FROM mixed_steps")}
        assert len(table) == 2 + extra
        assert dict(table[old]) == {"topic_id": old, "community_id": "330102001051", "seen_at": 9,
                                    "tags": ["b", "c"], "decision": {"at": "2026-03-02"}, "note": "again"}
        assert dict(table[twice]) == {"topic_id": twice, "community_id": "330102001052", "seen_at": 7,
                                      "tags": ["d"], "decision": [1, 2], "note": "second"}
        for row in many:
            kept = table[row["topic_id"]]
            assert (kept["tags"], kept["decision"], kept["note"]) == (
                row["tags"], {"by": str(row["decision"]["by"]), "n": row["seen_at"]}, "later")
    finally:
        await conn.close()
