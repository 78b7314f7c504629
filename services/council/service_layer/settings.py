"""Use cases of the settings per division (议事设置): change a division's own, read what applies.

Who may change a division's settings: the office of its level or above (city, district,
street office, within their scope), or, for a community, its own party committee (社区党委).
What applies to a division is inherited district → street → community, over the city-wide
defaults (``domain.settings.effective_settings``).
"""

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from yishi_contracts import DivisionLevel

from services.kit.auth import Actor, Role
from services.kit.commands import Change, Context
from services.kit.ports import Service

from ..domain.divisions import level_of
from ..domain.settings import (
    CITY_DEFAULTS,
    CommunitySettings,
    EffectiveSettings,
    Scheduled,
    Settings,
    effective_settings,
    lineage,
)
from . import divisions
from .ports import CouncilViews
from .registry_ports import DivisionRecord

CITY, DISTRICT, STREET = Role.city_office, Role.district_office, Role.street_office
SETTERS: dict[DivisionLevel, tuple[Role, ...]] = {
    DivisionLevel.district: (CITY, DISTRICT),
    DivisionLevel.street: (CITY, DISTRICT, STREET),
    DivisionLevel.community: (CITY, DISTRICT, STREET, Role.party_committee),
}


def stream_id(code: str) -> str:
    return f"settings:{code}"


async def change_settings(service: Service[CouncilViews], actor: Actor, code: str, wanted: Settings,
                          effective_from: datetime | None = None) -> CommunitySettings:
    """Set the division's own values (None inherits) from ``effective_from`` (default now) on."""
    async def decide(current: CommunitySettings, ctx: Context[CouncilViews]) -> list[object]:
        division = await divisions.load(ctx.uow, code)
        if division is None:
            raise divisions.unknown_division(code)
        assert ctx.actor is not None
        return current.change(division, wanted, effective_from=effective_from, now=ctx.now, by=ctx.actor.id)

    change: Change[Any, CouncilViews] = Change(
        stream_id(code), partial(CommunitySettings.fold, code), decide, community=code, roles=SETTERS[level_of(code)],
    )
    return (await service.commands.execute(change, actor)).after


@dataclass(frozen=True)
class SettingsView:
    division: DivisionRecord
    at: datetime
    effective: EffectiveSettings
    own: Settings
    upcoming: list[Scheduled]


async def settings_view(service: Service[CouncilViews], code: str, at: datetime | None = None) -> SettingsView:
    """What applies to the division at ``at`` (default now) and where each value comes from;
    its own values then, and its changes still to come."""
    at = at or service.clock.now()
    async with service.reading() as views:
        division = await views.division(code)
        if division is None:
            raise divisions.unknown_division(code)
        history = await views.settings_of([ancestor for _, ancestor in lineage(code)])
    effective = effective_settings(code, {c: h.as_of(at) for c, h in history.items()}, CITY_DEFAULTS)
    mine = history.get(code, CommunitySettings(code))
    return SettingsView(division, at, effective, mine.as_of(at), mine.upcoming(at))
