"""The registry's part of the council's views port in memory, for the registry and settings
use-case tests (no tests here). ``apply`` keeps divisions and settings from the registry's
events as the inline projection does; every other event goes to the council's own fake."""

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from yishi_contracts import (
    CommunitySettingsChanged,
    DivisionLevel,
    DivisionRegistered,
    DivisionRenamed,
    DivisionRetired,
    Envelope,
)

from services.council.adapters.codec import CODEC
from services.council.domain.settings import CommunitySettings, Scheduled, Settings
from services.council.service_layer.registry_ports import DivisionQuery, DivisionRecord
from services.kit.auth import Actor, Role
from services.kit.fakes import FakeService, FixedClock

from .builders import NOW
from .fakes import FakeCouncilViews

DISTRICT, STREET, COMMUNITY = "330102000000", "330102001000", "330102001051"


class FakeRegistryViews(FakeCouncilViews):
    def __init__(self) -> None:
        super().__init__()
        self.divisions_by_code: dict[str, DivisionRecord] = {}
        self.settings_rows: dict[str, list[tuple[datetime, datetime, Settings]]] = {}
        self.held: list[str] = []
        self.counted: list[str] = []

    def apply(self, envelope: Envelope[Any]) -> None:
        e = envelope.data
        if isinstance(e, DivisionRegistered):
            self.divisions_by_code[e.code] = DivisionRecord(e.code, DivisionLevel(e.level), e.name, e.parent_code,
                                                            True, e.registered_at)
        elif isinstance(e, DivisionRenamed):
            self.divisions_by_code[e.code] = replace(self.divisions_by_code[e.code], name=e.name,
                                                     renamed_at=e.renamed_at)
        elif isinstance(e, DivisionRetired):
            self.divisions_by_code[e.code] = replace(self.divisions_by_code[e.code], active=False,
                                                     retired_at=e.retired_at, retire_reason=e.reason)
        elif isinstance(e, CommunitySettingsChanged):
            rows = self.settings_rows.setdefault(e.code, [])
            rows.append((e.effective_from, envelope.time, Settings.of(e)))
            rows.sort(key=lambda row: (row[0], row[1]))
        else:
            super().apply(envelope)

    async def hold(self, code: str) -> None:
        self.held.append(code)

    async def active_children(self, code: str) -> int:
        self.counted.append(code)
        return sum(1 for d in self.divisions_by_code.values() if d.parent_code == code and d.active)

    async def division(self, code: str) -> DivisionRecord | None:
        return self.divisions_by_code.get(code)

    async def divisions(self, codes: Sequence[str]) -> dict[str, DivisionRecord]:
        return {c: self.divisions_by_code[c] for c in codes if c in self.divisions_by_code}

    async def search(self, query: DivisionQuery) -> tuple[int, list[DivisionRecord]]:
        def matches(d: DivisionRecord) -> bool:
            prefix = query.under_prefix
            if prefix is not None and (not d.code.startswith(prefix) or d.code == prefix.ljust(12, "0")):
                return False
            if query.level is not None and d.level is not query.level:
                return False
            text = query.text
            if text is not None and text.lower() not in d.name.lower() and not d.code.startswith(text):
                return False
            return d.active or query.include_retired

        found = sorted((d for d in self.divisions_by_code.values() if matches(d)), key=lambda d: d.code)
        return len(found), found[query.offset:query.offset + query.limit]

    async def settings_of(self, codes: Sequence[str]) -> dict[str, CommunitySettings]:
        return {c: CommunitySettings(c, tuple(Scheduled(at, s) for at, _, s in self.settings_rows[c]))
                for c in codes if c in self.settings_rows}


def registry_service() -> FakeService[FakeRegistryViews]:
    return FakeService(FakeRegistryViews(), service="council", codec=CODEC, clock=FixedClock(NOW))


def office(role: Role, scope: str, sub: str = "") -> Actor:
    return Actor(sub or f"{role}-{scope}", frozenset({role}), scope)


CITY_OFFICE = office(Role.city_office, "3301")
DISTRICT_OFFICE = office(Role.district_office, DISTRICT[:6])
STREET_OFFICE = office(Role.street_office, STREET[:9])
