"""Every service's replica of the city's registry (行政区划) and of the settings per division.

Council keeps the registry and publishes each change on ``yishi.council.v1``
(DivisionRegistered / Renamed / Retired, CommunitySettingsChanged). A service that needs a
community's names or its settings adds ``keep_registry(projection)`` to its own projection
and reads the tables here on its own connection: no call to council at request time.

The handlers are batch views like any other: idempotent, and independent of the order
events arrive in — each writes only what its event knows (a rename keeps the newest name by
its time, a registration fills the rest), so a rebuild from offset 0 leaves the same rows.
What applies at a time follows ``yishi_contracts.settings`` (the rule council applies too).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

import asyncpg
from yishi_contracts import (
    COUNCIL,
    CommunitySettingsChanged,
    DivisionRegistered,
    DivisionRenamed,
    DivisionRetired,
    Envelope,
)
from yishi_contracts.settings import EffectiveSettings, Scheduled, Settings, effective_settings, lineage, own_as_of

from .projection import Projection
from .registry_cache import forget_everywhere

__all__ = ["TABLES", "TOPIC", "CommunityNames", "effective_at", "keep_registry", "names_of"]

TABLES = ("registry_divisions", "registry_settings")
"""The replica's tables: add them to the projection's ``tables`` so a rebuild refills them."""
TOPIC = COUNCIL.topic
"""The Kafka topic the replica is kept from: add it to the projection's ``topics``."""
PATH_SEPARATOR = " · "


@dataclass(frozen=True)
class CommunityNames:
    """A division as people name it, with the divisions above it (None where not registered)."""

    code: str
    name: str | None
    street: str | None
    district: str | None
    level: str | None
    active: bool

    @property
    def registered(self) -> bool:
        return self.level is not None

    @property
    def path(self) -> str:
        """清波门社区 · 清波街道 · 上城区 (what is known of it)."""
        return PATH_SEPARATOR.join(n for n in (self.name, self.street, self.district) if n)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "street": self.street, "district": self.district,
                "path": self.path or None, "active": self.active}


def _division_rows(envelopes: Sequence[Envelope[Any]]) -> list[dict[str, Any]]:
    """One row per code, as the events would leave it one after another in any order."""
    rows: dict[str, dict[str, Any]] = {}
    for envelope in envelopes:
        e = envelope.data
        row = rows.setdefault(e.code, dict.fromkeys(
            ("code", "level", "parent_code", "name", "name_at", "registered_at", "retired_at")))
        row["code"] = e.code
        if isinstance(e, DivisionRegistered):
            row.update(level=str(e.level), parent_code=e.parent_code, registered_at=e.registered_at)
            _name(row, e.name, e.registered_at)
        elif isinstance(e, DivisionRenamed):
            _name(row, e.name, e.renamed_at)
        elif isinstance(e, DivisionRetired):
            row["retired_at"] = min(filter(None, (row["retired_at"], e.retired_at)))
    return list(rows.values())


def _name(row: dict[str, Any], name: str, at: datetime) -> None:
    if row["name_at"] is None or at >= row["name_at"]:
        row.update(name=name, name_at=at)


async def _keep_divisions(conn: asyncpg.Connection, envelopes: list[Envelope[Any]]) -> None:
    forget_everywhere()  # what this process remembers of open communities (registry_cache)
    rows = _division_rows(envelopes)
    await conn.execute(
        """
        INSERT INTO registry_divisions AS t (code, level, parent_code, name, name_at, registered_at, retired_at)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[],
                             $7::timestamptz[])
        ON CONFLICT (code) DO UPDATE SET
            level = COALESCE(t.level, EXCLUDED.level),
            parent_code = COALESCE(t.parent_code, EXCLUDED.parent_code),
            registered_at = COALESCE(t.registered_at, EXCLUDED.registered_at),
            name = CASE WHEN EXCLUDED.name_at IS NOT NULL AND (t.name_at IS NULL OR EXCLUDED.name_at >= t.name_at)
                        THEN EXCLUDED.name ELSE t.name END,
            name_at = GREATEST(t.name_at, EXCLUDED.name_at),
            retired_at = LEAST(t.retired_at, EXCLUDED.retired_at)
        """,
        *([row[c] for row in rows] for c in ("code", "level", "parent_code", "name", "name_at", "registered_at",
                                             "retired_at")),
    )


async def _keep_settings(conn: asyncpg.Connection, envelopes: list[Envelope[Any]]) -> None:
    events = [(envelope.id, envelope.time, envelope.data) for envelope in envelopes]
    await conn.execute(
        """
        INSERT INTO registry_settings (event_id, code, disclosure_days, quorum, adoption, overdue_grace_days,
                                       effective_from, recorded_at)
        SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::text[], $6::int[],
                             $7::timestamptz[], $8::timestamptz[])
        ON CONFLICT (event_id) DO NOTHING
        """,
        [i for i, _, _ in events], [e.code for _, _, e in events], [e.disclosure_days for _, _, e in events],
        [e.quorum for _, _, e in events], [e.adoption for _, _, e in events],
        [e.overdue_grace_days for _, _, e in events], [e.effective_from for _, _, e in events],
        [t for _, t, _ in events],
    )


def keep_registry(projection: Projection) -> None:
    """Keep the replica in ``projection`` (which must list ``TABLES`` and ``TOPIC``)."""
    missing = [t for t in TABLES if t not in projection.tables] + ([TOPIC] if TOPIC not in projection.topics else [])
    if missing:
        raise ValueError(f"{projection.name} must list {', '.join(missing)} to keep the registry's replica")
    projection.on_batch(DivisionRegistered, DivisionRenamed, DivisionRetired)(_keep_divisions)
    projection.on_batch(CommunitySettingsChanged)(_keep_settings)


async def names_of(conn: asyncpg.Connection, codes: Sequence[str]) -> dict[str, CommunityNames]:
    """Each code's names with its street and district, registered or not (one round trip)."""
    wanted = list(dict.fromkeys(codes))
    above = {c for code in wanted for _, c in lineage(code)}
    rows = await conn.fetch("SELECT code, level, name, retired_at FROM registry_divisions WHERE code = ANY($1)",
                            list(above | set(wanted)))
    known = {r["code"]: r for r in rows}

    def name(code: str) -> str | None:
        row = known.get(code)
        return row["name"] if row else None

    found = {}
    for code in wanted:
        row = known.get(code)
        street = code[:9] + "000"
        found[code] = CommunityNames(
            code=code, name=name(code), street=name(street) if street != code else None,
            district=name(code[:6] + "000000") if code[6:] != "000000" else None,
            level=row["level"] if row else None, active=bool(row) and row["level"] is not None and row["retired_at"] is None,
        )
    return found


async def effective_at(conn: asyncpg.Connection, code: str, at: datetime) -> EffectiveSettings:
    """The settings that apply to ``code`` for what starts at ``at`` (its lineage's own values then)."""
    chain = [c for _, c in lineage(code)]
    rows = await conn.fetch(
        "SELECT * FROM registry_settings WHERE code = ANY($1) AND effective_from <= $2 "
        "ORDER BY recorded_at, event_id", chain, at)
    history: dict[str, list[Scheduled]] = {}
    for r in rows:
        own = Settings(r["disclosure_days"], _share(r["quorum"]), _share(r["adoption"]), r["overdue_grace_days"])
        history.setdefault(r["code"], []).append(Scheduled(r["effective_from"], own))
    return effective_settings(code, {c: own_as_of(changes, at) for c, changes in history.items()})


def _share(text: str | None) -> Fraction | None:
    return Fraction(text) if text is not None else None
