"""The registry's views port on PostgreSQL: divisions, their lists, their settings over time."""

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import asyncpg
from yishi_contracts import DivisionLevel

from ..domain.settings import CommunitySettings, Scheduled, Settings
from ..service_layer.registry_ports import DivisionQuery, DivisionRecord


def _division(row: asyncpg.Record) -> DivisionRecord:
    return DivisionRecord(
        code=row["code"], level=DivisionLevel(row["level"]), name=row["name"], parent_code=row["parent_code"],
        active=row["active"], registered_at=row["registered_at"], renamed_at=row["renamed_at"],
        retired_at=row["retired_at"], retire_reason=row["retire_reason"],
    )


def _share(text: str | None) -> Fraction | None:
    return Fraction(text) if text is not None else None


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SqlRegistryViews:
    conn: asyncpg.Connection

    async def hold(self, code: str) -> None:
        await self.conn.execute("SELECT 1 FROM divisions WHERE code = $1 FOR SHARE", code)

    async def active_children(self, code: str) -> int:
        await self.conn.execute("SELECT 1 FROM divisions WHERE code = $1 FOR UPDATE", code)
        return await self.conn.fetchval("SELECT count(*) FROM divisions WHERE parent_code = $1 AND active", code)

    async def division(self, code: str) -> DivisionRecord | None:
        row = await self.conn.fetchrow("SELECT * FROM divisions WHERE code = $1", code)
        return _division(row) if row else None

    async def divisions(self, codes: Sequence[str]) -> dict[str, DivisionRecord]:
        rows = await self.conn.fetch("SELECT * FROM divisions WHERE code = ANY($1::text[])", list(codes))
        return {r["code"]: _division(r) for r in rows}

    async def search(self, query: DivisionQuery) -> tuple[int, list[DivisionRecord]]:
        where, args = ["true"], []

        def arg(value: Any) -> str:
            args.append(value)
            return f"${len(args)}"

        if query.under_prefix is not None:
            prefix = query.under_prefix
            where.append(f"code LIKE {arg(prefix + '%')} AND code <> {arg(prefix.ljust(12, '0'))}")
        if query.level is not None:
            where.append(f"level = {arg(str(query.level))}")
        if query.text is not None:
            pattern = arg(f"%{_like(query.text)}%")
            where.append(f"(name ILIKE {pattern} OR code LIKE {arg(_like(query.text) + '%')})")
        if not query.include_retired:
            where.append("active")
        condition = " AND ".join(where)
        total = await self.conn.fetchval(f"SELECT count(*) FROM divisions WHERE {condition}", *args)
        page = f"LIMIT {arg(query.limit)} OFFSET {arg(query.offset)}"
        rows = await self.conn.fetch(f"SELECT * FROM divisions WHERE {condition} ORDER BY code {page}", *args)
        return total, [_division(r) for r in rows]

    async def settings_of(self, codes: Sequence[str]) -> dict[str, CommunitySettings]:
        rows = await self.conn.fetch(
            "SELECT * FROM division_settings WHERE code = ANY($1::text[]) "
            "ORDER BY effective_from, recorded_at, event_id",
            list(codes),
        )
        found: dict[str, list[Scheduled]] = {}
        for r in rows:
            own = Settings(r["disclosure_days"], _share(r["quorum"]), _share(r["adoption"]), r["overdue_grace_days"])
            found.setdefault(r["code"], []).append(Scheduled(r["effective_from"], own))
        return {code: CommunitySettings(code, tuple(changes)) for code, changes in found.items()}
