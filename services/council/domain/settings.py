"""Settings per division (议事设置), inherited district → street → community.

Four settings: the disclosure period (公示期, days), the quorum (法定人数, a share of the fixed
members), the adoption threshold (表决通过, the share "in favour" must exceed) and the grace
before a task counts as overdue (逾期宽限, days). Each division may set any of them; what it
leaves unset (None) it inherits from the division above, and the city-wide defaults apply
where no one set it. Shares are exact fractions, never floats.

One stream per code: each change records the division's own four values as they are from
``effective_from`` on, which is never in the past — a setting applies to what starts after it.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from fractions import Fraction

from yishi_contracts import CommunitySettingsChanged, DivisionLevel

from services.kit.refusal import INVALID

from .divisions import Division, level_of
from .refusal import CouncilRefused

__all__ = ["CITY_DEFAULTS", "CommunitySettings", "EffectiveSettings", "Inherited", "Settings", "effective_settings"]

CITY = "city"
DAYS_MAX = 90
RATIO_MAX = 9999
"""The largest denominator of a share (the contract writes n/d with at most 4 digits each)."""


def fraction_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


@dataclass(frozen=True)
class Settings:
    """A division's own values; None inherits."""

    disclosure_days: int | None = None
    quorum: Fraction | None = None
    adoption: Fraction | None = None
    overdue_grace_days: int | None = None

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def validated(self) -> "Settings":
        """The same values, or a refusal (422) naming the first one out of range."""
        days = self.disclosure_days
        if days is not None and not 1 <= days <= DAYS_MAX:
            raise _out_of_range("disclosure_days", f"公示期应为1至{DAYS_MAX}天", f"disclosure_days must be 1..{DAYS_MAX}")
        grace = self.overdue_grace_days
        if grace is not None and not 0 <= grace <= DAYS_MAX:
            raise _out_of_range("overdue_grace_days", f"逾期宽限应为0至{DAYS_MAX}天",
                                f"overdue_grace_days must be 0..{DAYS_MAX}")
        if self.quorum is not None and not 0 < self.quorum <= 1:
            raise _out_of_range("quorum", "法定人数比例应大于0且不超过1", "quorum must be in (0, 1]")
        if self.adoption is not None and not 0 <= self.adoption < 1:
            raise _out_of_range("adoption", "表决通过比例应不小于0且小于1", "adoption must be in [0, 1)")
        for name, share in (("quorum", self.quorum), ("adoption", self.adoption)):
            if share is not None and share.denominator > RATIO_MAX:
                raise _out_of_range(name, f"比例的分母不能超过{RATIO_MAX}", f"{name}'s denominator is over {RATIO_MAX}")
        return self

    @classmethod
    def of(cls, event: CommunitySettingsChanged) -> "Settings":
        return cls(
            event.disclosure_days,
            Fraction(event.quorum) if event.quorum is not None else None,
            Fraction(event.adoption) if event.adoption is not None else None,
            event.overdue_grace_days,
        )


def _out_of_range(name: str, zh: str, en: str) -> CouncilRefused:
    return CouncilRefused("setting_out_of_range", zh, en, kind=INVALID, setting=name)


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
    """The codes from the district down to ``code`` itself, with their levels."""
    level = level_of(code)
    chain = [(DivisionLevel.district, code[:6] + "0" * 6)]
    if level is not DivisionLevel.district:
        chain.append((DivisionLevel.street, code[:9] + "000"))
    if level is DivisionLevel.community:
        chain.append((DivisionLevel.community, code))
    return chain


def effective_settings(
    code: str, settings_by_code: Mapping[str, Settings], city_defaults: Settings
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
    effective_from: datetime
    settings: Settings


@dataclass(frozen=True)
class CommunitySettings:
    """A division's own settings over time: each change, in the order recorded."""

    code: str
    changes: tuple[Scheduled, ...] = ()

    @classmethod
    def fold(cls, code: str, events: Sequence[object]) -> "CommunitySettings":
        """Never None: a division that set nothing yet inherits everything."""
        settings = cls(code)
        for event in events:
            settings = settings.apply(event)
        return settings

    def apply(self, event: object) -> "CommunitySettings":
        if not isinstance(event, CommunitySettingsChanged):
            return self
        return CommunitySettings(self.code, (*self.changes, Scheduled(event.effective_from, Settings.of(event))))

    def as_of(self, at: datetime) -> Settings:
        """The own values in effect at ``at``: the latest change effective by then (ties: the later recorded)."""
        due = [(c.effective_from, i) for i, c in enumerate(self.changes) if c.effective_from <= at]
        return self.changes[max(due)[1]].settings if due else Settings()

    def upcoming(self, at: datetime) -> list[Scheduled]:
        return sorted((c for c in self.changes if c.effective_from > at), key=lambda c: c.effective_from)

    def change(self, division: Division, wanted: Settings, *, effective_from: datetime | None, now: datetime,
               by: str) -> list[object]:
        """Set the division's own values from ``effective_from`` (now when not given) on."""
        if not division.active:
            raise CouncilRefused("division_retired", f"{division.name}（{division.code}）已撤销",
                                 f"{division.code} has been retired", code=division.code)
        wanted = wanted.validated()
        start = effective_from or now
        if start.tzinfo is None:
            raise CouncilRefused("naive_time", "时间必须带时区", "the time must carry a timezone", kind=INVALID)
        if start < now:
            raise CouncilRefused(
                "not_retroactive", "设置只对今后开始的事项生效，生效时间不能早于现在",
                "a setting applies to what starts after it: effective_from cannot be in the past", kind=INVALID,
            )
        if self.as_of(start) == wanted and not self.upcoming(start):
            return []
        return [CommunitySettingsChanged(
            community_id=self.code, code=self.code, level=division.level, disclosure_days=wanted.disclosure_days,
            quorum=fraction_text(wanted.quorum) if wanted.quorum is not None else None,
            adoption=fraction_text(wanted.adoption) if wanted.adoption is not None else None,
            overdue_grace_days=wanted.overdue_grace_days, effective_from=start, changed_by=by,
        )]
