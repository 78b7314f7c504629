"""Upserting many rows of a projection in one statement, one step's columns at a time.

Events about one topic arrive from several Kafka topics in no guaranteed order; each
handler writes only the columns its event knows, so any arrival order gives the same row.
A batch of events becomes one ``INSERT ... SELECT FROM unnest($1::uuid[], ...) ON CONFLICT
DO UPDATE`` (one array per column, in asyncpg's binary format; the column types are read from
the catalog once), and several rows for the same key are merged first (PostgreSQL refuses to
update one row twice in a statement), the way upserting them one after another would have
left it.
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

import asyncpg

Row = Mapping[str, Any]


def merged(rows: Iterable[Row], *, key: Sequence[str], inserted: Iterable[str] = (),
           latest: Iterable[str] = ()) -> list[dict[str, Any]]:
    """One row per key, as upserting ``rows`` in order would leave it: ``inserted`` columns keep
    the first value, ``latest`` the greatest (nulls ignored, like GREATEST); every other column
    takes the last value."""
    first_only, greatest = set(inserted) | set(key), set(latest)
    by_key: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        k = tuple(row[c] for c in key)
        kept = by_key.get(k)
        if kept is None:
            by_key[k] = dict(row)
            continue
        for column, value in row.items():
            if column in first_only:
                continue
            if column in greatest:
                old = kept[column]
                kept[column] = old if value is None or (old is not None and old >= value) else value
            else:
                kept[column] = value
    return list(by_key.values())


def newest(rows: Iterable[Row], *, key: Sequence[str], by: str) -> list[Row]:
    """One row per key: the one with the greatest ``by`` (the last of equals), as upserting
    ``rows`` in order, each only over an older one, would leave it."""
    by_key: dict[tuple[Any, ...], Row] = {}
    for row in rows:
        k = tuple(row[c] for c in key)
        kept = by_key.get(k)
        if kept is None or kept[by] <= row[by]:
            by_key[k] = row
    return list(by_key.values())


async def upsert_rows(
    conn: asyncpg.Connection,
    table: str,
    rows: Sequence[Row],
    *,
    key: Sequence[str] = ("topic_id",),
    inserted: Sequence[str] = ("community_id",),
    latest: Sequence[str] = (),
    newest_by: str | None = None,
    returning: Sequence[str] = (),
    updated_only: bool = False,
) -> list[asyncpg.Record]:
    """Insert or update ``table``'s rows (all with the same columns) in one statement.

    ``key`` names the conflict target; ``inserted`` columns are written only with a new row;
    ``latest`` keep their greatest value; every other column is set. With ``newest_by`` a row
    is a snapshot instead: the one with the greatest value there wins whole (the last of
    equals), an older one changes nothing. Returns the ``returning`` columns of every row
    written — with ``updated_only`` only of the rows that existed before (a new row holds just
    what was inserted, so the caller often needs nothing back: a catch-up then reads no rows).
    Table and column names come from code only, never from input.
    """
    if not rows:
        return []
    columns = list(rows[0])
    if any(list(row) != columns for row in rows):
        raise ValueError(f"rows upserted into {table} together must have the same columns")
    settable = [c for c in columns if c not in key and c not in inserted]
    sets = [f"{c} = GREATEST(t.{c}, EXCLUDED.{c})" if c in latest else f"{c} = EXCLUDED.{c}" for c in settable]
    types = await column_types(conn, table)
    if unknown := [c for c in columns if c not in types]:
        raise ValueError(f"{table} has no column {', '.join(unknown)}")
    listed = ", ".join(columns)
    arrays = ", ".join(f"${i}::{_carried(types[c])}[]" for i, c in enumerate(columns, 1))
    selected = ", ".join(_from_carried(c, types[c]) for c in columns)
    sql = (
        f"INSERT INTO {table} AS t ({listed}) SELECT {selected} FROM unnest({arrays}) AS u ({listed}) "
        f"ON CONFLICT ({', '.join(key)}) DO " + (f"UPDATE SET {', '.join(sets)}" if sets else "NOTHING")
        + (f" WHERE t.{newest_by} IS NULL OR t.{newest_by} <= EXCLUDED.{newest_by}" if newest_by and sets else "")
        + (f" RETURNING {', '.join(returning)}" if returning else "")
    )
    if returning and updated_only:  # xmax is 0 on a row this statement inserted
        sql = (f"WITH written AS ({sql}, (t.xmax = 0) AS yishi_inserted) "
               f"SELECT {', '.join(returning)} FROM written WHERE NOT yishi_inserted")
    kept = newest(rows, key=key, by=newest_by) if newest_by else merged(
        rows, key=key, inserted=inserted, latest=latest)
    values = [
        [None if row[c] is None else as_json(row[c]) for row in kept] if _as_json_text(types[c])
        else [row[c] for row in kept]
        for c in columns
    ]
    if returning:
        return await conn.fetch(sql, *values)
    await conn.execute(sql, *values)
    return []


_COLUMN_TYPES: dict[str, dict[str, str]] = {}


async def column_types(conn: asyncpg.Connection, table: str) -> dict[str, str]:
    """Each column's SQL type, looked up once per process and table name (the table the name
    resolves to on the connection's search path: a copy made LIKE it has the same types)."""
    known = _COLUMN_TYPES.get(table)
    if known is None:
        rows = await conn.fetch(
            "SELECT attname, format_type(atttypid, atttypmod) AS type FROM pg_attribute "
            "WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped",
            table,
        )
        known = _COLUMN_TYPES[table] = {r["attname"]: r["type"] for r in rows}
    return known


def _as_json_text(sql_type: str) -> bool:
    """Whether a column's values travel as JSON text: JSON itself, and arrays (a list would
    be read as one more dimension of the parameter, and unnest flattens arrays of arrays)."""
    return sql_type in ("json", "jsonb") or sql_type.endswith("[]")


def _carried(sql_type: str) -> str:
    return "text" if _as_json_text(sql_type) else sql_type


def _from_carried(column: str, sql_type: str) -> str:
    if sql_type in ("json", "jsonb"):
        return f"u.{column}::{sql_type}"
    if sql_type.endswith("[]"):
        return (f"CASE WHEN u.{column} IS NULL THEN NULL "
                f"ELSE ARRAY(SELECT jsonb_array_elements_text(u.{column}::jsonb))::{sql_type} END")
    return f"u.{column}"


def as_json(value: Any) -> str:
    """A value as JSON text, ids and times as PostgreSQL reads them (a naive datetime is UTC,
    as asyncpg takes it)."""
    return json.dumps(value, separators=(",", ":"), default=_plain)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, (UUID, date)):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"{type(value).__name__} is not a column value")
