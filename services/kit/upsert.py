"""Upserting one consultation topic's row of a projection, one step's columns at a time.

Events about one topic arrive from several Kafka topics in no guaranteed order; each
handler writes only the columns its event knows, so any arrival order gives the same row.
"""

from typing import Any

import asyncpg
from yishi_contracts import Envelope


async def upsert_topic_row(conn: asyncpg.Connection, table: str, envelope: Envelope[Any], **values: Any) -> None:
    """Insert or update ``table``'s row for the envelope's topic with ``values`` (names from code only)."""
    cols = list(values)
    sql = (
        f"INSERT INTO {table} (topic_id, community_id, {', '.join(cols)}) "
        f"VALUES ($1, $2, {', '.join(f'${i + 3}' for i in range(len(cols)))}) "
        f"ON CONFLICT (topic_id) DO UPDATE SET {', '.join(f'{c} = EXCLUDED.{c}' for c in cols)}"
    )
    await conn.execute(sql, envelope.data.topic_id, envelope.data.community_id, *values.values())
