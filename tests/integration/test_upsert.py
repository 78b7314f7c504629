"""upsert_rows on real PostgreSQL: ``updated_only`` answers only the rows that were there before."""

from uuid import uuid4

from services.kit.db import connect
from services.kit.upsert import upsert_rows


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
