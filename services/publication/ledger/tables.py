"""SQL writing the ledger's fact rows: one statement per table and set of columns a batch has.

Each column's rule (``facts.py``) becomes its ``ON CONFLICT`` assignment, so the upsert leaves
a row as ``facts.meet`` does. Table and column names come from code only, never from input.
"""

from collections.abc import Iterable, Mapping
from typing import Any

import asyncpg

from services.kit.upsert import as_json, column_types

from . import rollup
from .facts import FIRST, INSERTED, LATEST, TABLES, Fact, fold

TABLE_NAMES = (*TABLES, "ledger_months")


def _assignment(column: str, rule: str) -> str | None:
    if rule == INSERTED:
        return None
    if rule == LATEST:
        return f"{column} = GREATEST(t.{column}, EXCLUDED.{column})"
    if rule == FIRST:
        return f"{column} = LEAST(t.{column}, EXCLUDED.{column})"
    if rule.startswith("with "):
        pair = rule.removeprefix("with ")
        return (f"{column} = CASE WHEN t.{pair} IS NULL OR EXCLUDED.{pair} >= t.{pair} "
                f"THEN EXCLUDED.{column} ELSE t.{column} END")
    return f"{column} = EXCLUDED.{column}"


async def write(conn: asyncpg.Connection, facts: Iterable[Fact]) -> None:
    """Upsert the facts of a batch: merged per row first (a statement updates a row once)."""
    groups: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = {}
    for table, row in fold(facts):
        groups.setdefault((table, tuple(row)), []).append(row)
    rolled: dict[str, list[Any]] = {}
    for table in rollup.CONTRIBUTIONS_SQL:  # the rows' old contributions out of the monthly rollup
        rows = [row for (t, _), group in groups.items() if t == table for row in group]
        if rows:
            rolled[table] = await rollup.lock(conn, table, TABLES[table][0], rows)
            await rollup.add(conn, table, rolled[table], -1)
    for (table, columns), rows in groups.items():
        await _upsert(conn, table, columns, rows)
    for table, keys in rolled.items():  # and their new ones in
        await rollup.add(conn, table, keys, +1)


async def _upsert(conn: asyncpg.Connection, table: str, columns: tuple[str, ...], rows: list[Mapping[str, Any]]) -> None:
    key, rules = TABLES[table]
    types = await column_types(conn, table)
    listed = ", ".join(columns)
    record = ", ".join(f"{c} {types[c]}" for c in columns)
    sets = [s for c in columns if (s := _assignment(c, rules[c])) is not None]
    await conn.execute(
        f"INSERT INTO {table} AS t ({listed}) SELECT {listed} FROM jsonb_to_recordset($1::text::jsonb) AS u ({record}) "
        f"ON CONFLICT ({key}) DO " + (f"UPDATE SET {', '.join(sets)}" if sets else "NOTHING"),
        as_json([dict(r) for r in rows]),
    )
