"""Upserting many rows of a projection in one statement, one step's columns at a time.

Events about one topic arrive from several Kafka topics in no guaranteed order; each
handler writes only the columns its event knows, so any arrival order gives the same row.
A few rows become one ``INSERT ... SELECT FROM unnest($1::uuid[], ...) ON CONFLICT DO
UPDATE`` (one array per column, in asyncpg's binary format; the column types are read from
the catalog once). Many rows (a catch-up's or a rebuild's batch) are first copied into a
temporary staging table by binary COPY and upserted from there: asyncpg encodes a COPY's
rows column by column, where each element of an array parameter is examined for being a
nested array (three ABC checks per value), which made the arrays cost as much as the
statement. Either way several rows for the same key are merged first (PostgreSQL refuses to
update one row twice in a statement), the way upserting them one after another would have
left it.

The staging table lives in the session's temporary schema (``pg_temp``, one per connection,
so connections never share it), is emptied by the very statement that reads it, and by the
end of every transaction (``ON COMMIT DELETE ROWS``). It needs a session of its own per
connection: behind a transaction-pooling proxy (PgBouncer in transaction mode) point the
services at PostgreSQL directly, as their LISTEN and advisory locks already need.
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from enum import Enum
from operator import itemgetter
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
    names = rows[0].keys()
    if any(row.keys() != names for row in rows):
        raise ValueError(f"rows upserted into {table} together must have the same columns")
    settable = [c for c in columns if c not in key and c not in inserted]
    sets = [f"{c} = GREATEST(t.{c}, EXCLUDED.{c})" if c in latest else f"{c} = EXCLUDED.{c}" for c in settable]
    types = await column_types(conn, table)
    if unknown := [c for c in columns if c not in types]:
        raise ValueError(f"{table} has no column {', '.join(unknown)}")
    listed = ", ".join(columns)
    kept = _one_per_key(rows, key=key, inserted=inserted, latest=latest, newest_by=newest_by)
    values: list[list[Any]] = []
    if len(kept) >= STAGED_FROM and not conn.is_in_transaction():  # the staged rows last until its end
        async with conn.transaction():
            return await upsert_rows(conn, table, kept, key=key, inserted=inserted, latest=latest,
                                     newest_by=newest_by, returning=returning, updated_only=updated_only)
    if len(kept) >= STAGED_FROM:
        ctes = [await staged(conn, table, types, columns, _records(kept, columns, types))]
        source = f"SELECT {', '.join(_from_staged(c, types[c]) for c in columns)} FROM staged AS u"
    else:
        ctes = []
        arrays = ", ".join(f"${i}::{_carried(types[c])}[]" for i, c in enumerate(columns, 1))
        source = f"SELECT {', '.join(_from_carried(c, types[c]) for c in columns)} FROM unnest({arrays}) AS u ({listed})"
        values = [
            [None if row[c] is None else as_json(row[c]) for row in kept] if _as_json_text(types[c])
            else [row[c] for row in kept]
            for c in columns
        ]
    insert = (
        f"INSERT INTO {table} AS t ({listed}) {source} "
        f"ON CONFLICT ({', '.join(key)}) DO " + (f"UPDATE SET {', '.join(sets)}" if sets else "NOTHING")
        + (f" WHERE t.{newest_by} IS NULL OR t.{newest_by} <= EXCLUDED.{newest_by}" if newest_by and sets else "")
    )
    if returning and updated_only:  # xmax is 0 on a row this statement inserted
        ctes.append(f"written AS ({insert} RETURNING {', '.join(returning)}, (t.xmax = 0) AS yishi_inserted)")
        sql = f"SELECT {', '.join(returning)} FROM written WHERE NOT yishi_inserted"
    else:
        sql = insert + (f" RETURNING {', '.join(returning)}" if returning else "")
    if ctes:
        sql = f"WITH {', '.join(ctes)} {sql}"
    if returning:
        return await conn.fetch(sql, *values)
    await conn.execute(sql, *values)
    return []


STAGED_FROM = 100
"""From how many rows an upsert goes through COPY and a staging table: below, one statement's
round trip matters more than encoding a few arrays (a live event, a small batch)."""


def _one_per_key(rows: Sequence[Row], *, key: Sequence[str], inserted: Sequence[str], latest: Sequence[str],
                 newest_by: str | None) -> Sequence[Row]:
    if len(key) == 1:  # the usual case, checked cheaply: no key twice, nothing to merge
        (k,) = key
        if len({row[k] for row in rows}) == len(rows):
            return rows
    return newest(rows, key=key, by=newest_by) if newest_by else merged(rows, key=key, inserted=inserted, latest=latest)


async def staged(conn: asyncpg.Connection, table: str, types: Mapping[str, str], columns: Sequence[str],
                 records: list[tuple[Any, ...]]) -> str:
    """COPY ``records`` (values of ``columns``, JSON as text) into the connection's staging table
    for ``table``, and return the CTE ``staged`` that reads them out of it (and empties it).
    Must run in the transaction of the statement that uses the CTE."""
    stage = f"yishi_stage_{table}"
    defined = ", ".join(f"{c} {'text' if t in ('json', 'jsonb') else t}" for c, t in types.items())
    await conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} ({defined}) ON COMMIT DELETE ROWS")
    await conn.copy_records_to_table(stage, schema_name="pg_temp", columns=list(columns), records=records)
    return f"staged AS (DELETE FROM pg_temp.{stage} RETURNING {', '.join(columns)})"


def _records(rows: Sequence[Row], columns: list[str], types: Mapping[str, str]) -> list[tuple[Any, ...]]:
    """The rows as COPY's tuples, JSON values as text."""
    values = itemgetter(*columns) if len(columns) > 1 else lambda row: (row[columns[0]],)
    records = [values(row) for row in rows]
    if json_at := [i for i, c in enumerate(columns) if types[c] in ("json", "jsonb")]:
        records = [tuple(as_json(v) if v is not None and i in json_at else v for i, v in enumerate(r)) for r in records]
    return records


def _from_staged(column: str, sql_type: str) -> str:
    return f"u.{column}::{sql_type}" if sql_type in ("json", "jsonb") else f"u.{column}"


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
