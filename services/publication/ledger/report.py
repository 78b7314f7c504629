"""The ledger of one division for one period: its figures as a whole and, level by level, of
the divisions under it side by side (one row each), with their registered names."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from services.kit.auth import Actor, Role

from .figures import with_shares
from .queries import zero
from .rules import LEVEL_ZH, Division, Level, Period

OFFICE_ROLES = (Role.city_office, Role.district_office, Role.street_office, Role.cppcc_office)
COMMUNITY_ROLES = (Role.staff, Role.council_member, Role.council_chair, Role.party_committee)
PREFIX_LENGTH = {Level.district: 6, Level.street: 9, Level.community: 12}
BELOW = {Level.city: (Level.district, Level.street, Level.community), Level.district: (Level.street, Level.community),
         Level.street: (Level.community,), Level.community: ()}


class LedgerViews(Protocol):
    async def figures(self, prefix: str, start: datetime, end: datetime, as_of: datetime,
                      group_length: int) -> dict[str, dict[str, Any]]: ...

    async def names(self, codes: list[str]) -> dict[str, str]: ...


@dataclass(frozen=True)
class LedgerRow:
    code: str
    level: Level
    name: str | None
    figures: dict[str, Any]


@dataclass(frozen=True)
class Ledger:
    division: Division
    period: Period
    as_of: datetime
    total: LedgerRow
    levels: dict[Level, list[LedgerRow]] = field(default_factory=dict)
    """The divisions under it, per level asked for: one row each, by code."""


def readable_division(actor: Actor, division: Division) -> Division:
    return division.for_reader(actor.scope, office=actor.has(*OFFICE_ROLES), community_role=actor.has(*COMMUNITY_ROLES))


def _code(prefix: str) -> str:
    return prefix.ljust(12, "0")


async def read_ledger(views: LedgerViews, division: Division, period: Period, *, now: datetime,
                      levels: tuple[Level, ...]) -> Ledger:
    """The ledger; ``levels`` are those under the division to list side by side."""
    as_of = period.as_of(now)
    whole = await views.figures(division.prefix, period.start, period.end, as_of, 0)
    grouped = {level: await views.figures(division.prefix, period.start, period.end, as_of, PREFIX_LENGTH[level])
               for level in levels if level in BELOW[division.level]}
    own_code = division.code if division.code != "city" else _code(division.prefix)
    names = await views.names([own_code, *(_code(g) for rows in grouped.values() for g in rows)])
    total = LedgerRow(own_code, division.level, names.get(own_code) or LEVEL_ZH[division.level],
                      with_shares(whole.get("", zero())))
    return Ledger(division, period, as_of, total, {
        level: [LedgerRow(_code(g), level, names.get(_code(g)), with_shares(figures)) for g, figures in rows.items()]
        for level, rows in grouped.items()
    })
