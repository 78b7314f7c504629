"""A shadow copy of a projection's tables, filled aside and swapped in by one short transaction.

The copies live in their own schema under the same names (``yishi_rebuild.screening_queue``),
so a connection whose ``search_path`` puts that schema first writes into them with the
projection's own handlers, unchanged. Each copy has the original's columns, defaults, checks
and constraints (``LIKE ... INCLUDING ALL``) and indexes of the same names; plain indexes
are built after the bulk of the writes. The copies are unlogged while the bulk is written
(a crash loses nothing a new rebuild would not write again) and written to the WAL in one
pass before the last writes and the swap, so replicas and recovery have them whole. They keep
the originals' storage parameters, but autovacuum leaves them alone until then: it would
vacuum and analyze each copy again every time it had grown by a fifth, scanning the whole
table and its indexes while the rebuild writes (a million-event rebuild slowed by a quarter
towards its end); ``finish`` analyzes them once. The swap moves the originals out and the copies in
(``SET SCHEMA``), gives the copies the sequences the originals owned, recreates the views
that read the tables, and drops the originals.

Not carried over: foreign keys, grants, and views other than plain ones (refused up front
where they exist: the projections have none).
"""

from collections.abc import Sequence

import asyncpg

SHADOW_SCHEMA = "yishi_rebuild"
RETIRED_SCHEMA = "yishi_retired"
# How long the swap may wait for all its locks: less than PostgreSQL's deadlock_timeout (1 s),
# so when the swap and a live transaction wait on each other the swap gives up first (and
# tries again) and the live one never fails; readers queued behind it wait no longer either.
LOCK_TIMEOUT = "500ms"


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_NO_AUTOVACUUM = ("autovacuum_enabled", "toast.autovacuum_enabled")


def _options(reloptions: Sequence[str] | None, toast: Sequence[str] | None, *, bulk: bool) -> list[str]:
    """A table's storage parameters (``pg_class.reloptions``, its TOAST table's prefixed
    ``toast.``); while ``bulk``, with autovacuum off for both."""
    options = {o.split("=", 1)[0]: o for o in reloptions or ()}
    options |= {f"toast.{o.split('=', 1)[0]}": f"toast.{o}" for o in toast or ()}
    if bulk:
        options |= {name: f"{name}=false" for name in _NO_AUTOVACUUM}
    return list(options.values())


_DEPENDENT_VIEWS = """
WITH RECURSIVE dependents(oid, depth) AS (
    SELECT r.ev_class, 1 FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
    WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
      AND d.refobjid = ANY($1::oid[]) AND r.ev_class <> d.refobjid
  UNION
    SELECT r.ev_class, dependents.depth + 1 FROM dependents
    JOIN pg_depend d ON d.refobjid = dependents.oid AND d.classid = 'pg_rewrite'::regclass
                    AND d.refclassid = 'pg_class'::regclass
    JOIN pg_rewrite r ON r.oid = d.objid AND r.ev_class <> d.refobjid
)
SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name, c.relkind::text AS relkind, c.reloptions, pg_get_viewdef(c.oid) AS definition,
       max(dependents.depth) AS depth
FROM dependents JOIN pg_class c ON c.oid = dependents.oid JOIN pg_namespace n ON n.oid = c.relnamespace
GROUP BY c.oid, n.nspname ORDER BY depth, name
"""


class ShadowCopy:
    def __init__(self, conn: asyncpg.Connection, tables: Sequence[str]) -> None:
        self._conn = conn
        self._tables = tuple(tables)
        self._schemas: dict[str, str] = {}
        self._search_path = ""
        self._deferred: list[str] = []
        self._reloptions: dict[str, tuple[list[str], list[str]]] = {}

    def _original(self, table: str) -> str:
        return f"{quoted(self._schemas[table])}.{quoted(table)}"

    @staticmethod
    def _copy(table: str) -> str:
        return f"{quoted(SHADOW_SCHEMA)}.{quoted(table)}"

    async def create(self) -> None:
        """Empty copies of the tables, with their constraints and unique indexes (upserts need
        those); the other indexes wait for ``finish``. A copy left by an interrupted rebuild
        is dropped first."""
        conn = self._conn
        self._search_path = await conn.fetchval("SELECT current_setting('search_path')")
        for table in self._tables:
            schema = await conn.fetchval(
                "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.oid = to_regclass($1)", quoted(table),
            )
            if schema is None:
                raise RuntimeError(f"projection table {table} does not exist: run `yishi migrate` first")
            self._schemas[table] = schema
            row = await conn.fetchrow(
                "SELECT c.reloptions, t.reloptions AS toast FROM pg_class c"
                " LEFT JOIN pg_class t ON t.oid = c.reltoastrelid WHERE c.oid = to_regclass($1)", self._original(table),
            )
            self._reloptions[table] = (list(row["reloptions"] or ()), list(row["toast"] or ()))
        await self._refuse_what_cannot_be_copied()
        await conn.execute(f"DROP SCHEMA IF EXISTS {quoted(SHADOW_SCHEMA)} CASCADE; CREATE SCHEMA {quoted(SHADOW_SCHEMA)}")
        for table in self._tables:
            original, copy = self._original(table), self._copy(table)
            options = ", ".join(_options(*self._reloptions[table], bulk=True))
            await conn.execute(
                f"CREATE UNLOGGED TABLE {copy} (LIKE {original} INCLUDING ALL EXCLUDING INDEXES) WITH ({options})")
            for name, definition in await conn.fetch(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = $1::regclass AND contype IN ('p', 'u', 'x') ORDER BY conname", original,
            ):
                await conn.execute(f"ALTER TABLE {copy} ADD CONSTRAINT {quoted(name)} {definition}")
            for name, definition, unique in await conn.fetch(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid), i.indisunique FROM pg_index i"
                " JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = $1::regclass"
                " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname",
                original,
            ):
                _, method = definition.split(" USING ", 1)
                statement = f"CREATE {'UNIQUE ' if unique else ''}INDEX {quoted(name)} ON {copy} USING {method}"
                if unique:
                    await conn.execute(statement)
                else:
                    self._deferred.append(statement)

    async def _refuse_what_cannot_be_copied(self) -> None:
        originals = [self._original(t) for t in self._tables]
        keys = await self._conn.fetch(
            "SELECT conname FROM pg_constraint WHERE contype = 'f'"
            " AND (conrelid = ANY($1::regclass[]) OR confrelid = ANY($1::regclass[]))", originals,
        )
        if keys:
            raise RuntimeError(f"projection tables with foreign keys cannot be rebuilt aside: {[k[0] for k in keys]}")
        others = [v["name"] for v in await self._views() if v["relkind"] != "v"]
        if others:
            raise RuntimeError(f"only plain views can be recreated on a rebuilt projection, not {others}")

    async def _views(self) -> list[asyncpg.Record]:
        oids = [await self._conn.fetchval("SELECT $1::regclass::oid", self._original(t)) for t in self._tables]
        return await self._conn.fetch(_DEPENDENT_VIEWS, oids)

    async def write_here(self) -> None:
        """From now on this connection's unqualified table names mean the copies."""
        await self._conn.execute(
            "SELECT set_config('search_path', $1, false)", f"{quoted(SHADOW_SCHEMA)}, {self._search_path}"
        )

    async def finish(self) -> None:
        """The copies written to the WAL at last (in one pass each) with the originals' storage
        parameters again, the deferred indexes, and the planner's statistics of the filled copies."""
        for table in self._tables:
            copy = self._copy(table)
            await self._conn.execute(f"ALTER TABLE {copy} SET LOGGED")
            await self._conn.execute(f"ALTER TABLE {copy} RESET ({', '.join(_NO_AUTOVACUUM)})")
            if options := _options(*self._reloptions[table], bulk=False):
                await self._conn.execute(f"ALTER TABLE {copy} SET ({', '.join(options)})")
        for statement in self._deferred:
            await self._conn.execute(statement)
        for table in self._tables:
            await self._conn.execute(f"ANALYZE {self._copy(table)}")

    async def lock_originals(self) -> None:
        """In the swap's transaction: the projection's writers and readers wait from here to its
        commit. In the order they take them, so that waiting on each other is rare:
        ``processed_events`` first (every writer of a projection takes it first), then the
        views (a reader takes a view before its tables), then the tables."""
        conn = self._conn
        names = [self._original("processed_events")] if "processed_events" in self._tables else []
        names += [v["name"] for v in await self._views()]
        names += [self._original(t) for t in self._tables if t != "processed_events"]
        before = await conn.fetchval("SELECT current_setting('statement_timeout')")
        await conn.execute(f"SET LOCAL statement_timeout = '{LOCK_TIMEOUT}'")
        await conn.execute(f"LOCK TABLE {', '.join(names)} IN ACCESS EXCLUSIVE MODE")
        await conn.execute("SELECT set_config('statement_timeout', $1, true)", before)

    async def swap(self) -> None:
        """In the swap's transaction, after ``lock_originals``: the copies become the tables."""
        conn = self._conn
        await conn.execute("SELECT set_config('search_path', $1, true)", self._search_path)
        views = await self._views()
        if views:
            await conn.execute(f"DROP VIEW {', '.join(v['name'] for v in views)}")
        await conn.execute(f"DROP SCHEMA IF EXISTS {quoted(RETIRED_SCHEMA)} CASCADE; CREATE SCHEMA {quoted(RETIRED_SCHEMA)}")
        for table in self._tables:
            owned = await conn.fetch(
                "SELECT s.oid::regclass::text AS sequence, a.attname FROM pg_depend d"
                " JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'"
                " JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
                " WHERE d.refobjid = $1::regclass AND d.deptype = 'a'", self._original(table),
            )
            for sequence, _ in owned:  # an owned sequence would move out (and be dropped) with its table
                await conn.execute(f"ALTER SEQUENCE {sequence} OWNED BY NONE")
            await conn.execute(f"ALTER TABLE {self._original(table)} SET SCHEMA {quoted(RETIRED_SCHEMA)}")
            await conn.execute(f"ALTER TABLE {self._copy(table)} SET SCHEMA {quoted(self._schemas[table])}")
            for sequence, column in owned:
                await conn.execute(f"ALTER SEQUENCE {sequence} OWNED BY {self._original(table)}.{quoted(column)}")
        for view in views:
            options = f" WITH ({', '.join(view['reloptions'])})" if view["reloptions"] else ""
            await conn.execute(f"CREATE VIEW {view['name']}{options} AS {view['definition']}")
        await conn.execute(f"DROP SCHEMA {quoted(RETIRED_SCHEMA)} CASCADE; DROP SCHEMA {quoted(SHADOW_SCHEMA)}")

    async def discard(self) -> None:
        """Drop the copies of a rebuild that failed (a later rebuild would drop them too)."""
        try:
            await self._conn.execute(f"DROP SCHEMA IF EXISTS {quoted(SHADOW_SCHEMA)} CASCADE")
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            pass
