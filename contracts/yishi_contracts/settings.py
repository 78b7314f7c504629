"""The settings per division (议事设置) and the rule of what applies: inherited district →
street → community over the city-wide defaults, each division's own values as they are at a time.

Pure values, no I/O: council keeps the settings, every other service and any outside
subscriber of ``yishi.council.v1`` applies the same rule to its replica of
``CommunitySettingsChanged``. Shares are exact fractions, never floats.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from fractions import Fraction

from .events.registry import CommunitySettingsChanged, DivisionLevel

__all__ = ["CITY", "CITY_DEFAULTS", "EffectiveSettings", "Inherited", "Scheduled", "Settings", "effective_settings",
           "fraction_text", "lineage", "own_as_of"]

CITY = "city"


def fraction_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


@dataclass(frozen=True)
class Settings:
    """A division's own values; None inherits."""

    disclosure_days: int | None = None
    """公示期: days a resolution stays on the public board."""
    quorum: Fraction | None = None
    """法定人数: the share of the fixed members who must be present."""
    adoption: Fraction | None = None
    """表决通过: the share of the voting members present that "in favour" must exceed."""
    overdue_grace_days: int | None = None
    """逾期宽限: days after a task's deadline before it counts as overdue."""

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def of(cls, event: CommunitySettingsChanged) -> "Settings":
        return cls(
            event.disclosure_days,
            Fraction(event.quorum) if event.quorum is not None else None,
            Fraction(event.adoption) if event.adoption is not None else None,
            event.overdue_grace_days,
        )


CITY_DEFAULTS = Settings(disclosure_days=7, quorum=Fraction(2, 3), adoption=Fraction(1, 2), overdue_grace_days=0)
"""The city-wide defaults: 7 days on the board, two thirds present, more than half in favour, no grace."""


@dataclass(frozen=True)
class Inherited:
    """One effective value and where it comes from: ``city`` (the default) or the level that set it."""

    value: int | Fraction
    source: str
    code: str | None = None


@dataclass(frozen=True)
class EffectiveSettings:
    disclosure_days: Inherited
    quorum: Inherited
    adoption: Inherited
    overdue_grace_days: Inherited

    def values(self) -> Settings:
        return Settings(**{name: getattr(self, name).value for name in Settings.names()})


def lineage(code: str) -> list[tuple[DivisionLevel, str]]:
    """The codes from the district down to ``code`` itself, with their levels (by the code's shape)."""
    chain = [(DivisionLevel.district, code[:6] + "0" * 6)]
    if code[6:] != "000000":
        chain.append((DivisionLevel.street, code[:9] + "000"))
    if code[9:] != "000":
        chain.append((DivisionLevel.community, code))
    return chain


def effective_settings(
    code: str, settings_by_code: Mapping[str, Settings], city_defaults: Settings = CITY_DEFAULTS
) -> EffectiveSettings:
    """What applies to ``code``: per value, the nearest division of its lineage that set it, else the city's."""
    effective: dict[str, Inherited] = {}
    for name in Settings.names():
        default = getattr(city_defaults, name)
        if default is None:
            raise ValueError(f"the city-wide defaults must set every value; {name} is missing")
        chosen = Inherited(default, CITY)
        for level, ancestor in lineage(code):
            own = settings_by_code.get(ancestor)
            if own is not None and getattr(own, name) is not None:
                chosen = Inherited(getattr(own, name), str(level), ancestor)
        effective[name] = chosen
    return EffectiveSettings(**effective)


@dataclass(frozen=True)
class Scheduled:
    """One change of a division's own settings: its values from ``effective_from`` on."""

    effective_from: datetime
    settings: Settings


def own_as_of(changes: Iterable[Scheduled], at: datetime) -> Settings:
    """A division's own values in effect at ``at``: the latest change effective by then (ties: the
    later recorded, ``changes`` being in the order recorded); nothing set before → all inherited."""
    due = [(c.effective_from, i, c.settings) for i, c in enumerate(changes) if c.effective_from <= at]
    return max(due, key=lambda d: (d[0], d[1]))[2] if due else Settings()
