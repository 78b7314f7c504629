"""Settings per division (议事设置), inherited district → street → community.

Four settings: the disclosure period (公示期, days), the quorum (法定人数, a share of the fixed
members), the adoption threshold (表决通过, the share "in favour" must exceed) and the grace
before a task counts as overdue (逾期宽限, days). Each division may set any of them; what it
leaves unset (None) it inherits from the division above, and the city-wide defaults apply
where no one set it. Shares are exact fractions, never floats.

One stream per code: each change records the division's own four values as they are from
``effective_from`` on, which is never in the past — a setting applies to what starts after it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from yishi_contracts import CommunitySettingsChanged, DivisionLevel
from yishi_contracts.settings import (
    CITY,
    CITY_DEFAULTS,
    EffectiveSettings,
    Inherited,
    Scheduled,
    Settings,
    effective_settings,
    fraction_text,
    own_as_of,
)
from yishi_contracts.settings import lineage as lineage_of_shape

from services.kit.refusal import INVALID

from .divisions import Division, level_of
from .refusal import CouncilRefused

__all__ = ["CITY", "CITY_DEFAULTS", "CommunitySettings", "EffectiveSettings", "Inherited", "Scheduled", "Settings",
           "effective_settings", "fraction_text", "lineage", "validated"]

DAYS_MAX = 90
RATIO_MAX = 9999
"""The largest denominator of a share (the contract writes n/d with at most 4 digits each)."""


def validated(settings: Settings) -> Settings:
    """The same values, or a refusal (422) naming the first one out of range."""
    days = settings.disclosure_days
    if days is not None and not 1 <= days <= DAYS_MAX:
        raise _out_of_range("disclosure_days", f"公示期应为1至{DAYS_MAX}天", f"disclosure_days must be 1..{DAYS_MAX}")
    grace = settings.overdue_grace_days
    if grace is not None and not 0 <= grace <= DAYS_MAX:
        raise _out_of_range("overdue_grace_days", f"逾期宽限应为0至{DAYS_MAX}天",
                            f"overdue_grace_days must be 0..{DAYS_MAX}")
    if settings.quorum is not None and not 0 < settings.quorum <= 1:
        raise _out_of_range("quorum", "法定人数比例应大于0且不超过1", "quorum must be in (0, 1]")
    if settings.adoption is not None and not 0 <= settings.adoption < 1:
        raise _out_of_range("adoption", "表决通过比例应不小于0且小于1", "adoption must be in [0, 1)")
    for name, share in (("quorum", settings.quorum), ("adoption", settings.adoption)):
        if share is not None and share.denominator > RATIO_MAX:
            raise _out_of_range(name, f"比例的分母不能超过{RATIO_MAX}", f"{name}'s denominator is over {RATIO_MAX}")
    return settings


def lineage(code: str) -> list[tuple[DivisionLevel, str]]:
    """The codes from the district down to ``code`` itself; a code of another shape is refused (422)."""
    level_of(code)
    return lineage_of_shape(code)


def _out_of_range(name: str, zh: str, en: str) -> CouncilRefused:
    return CouncilRefused("setting_out_of_range", zh, en, kind=INVALID, setting=name)


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
        return own_as_of(self.changes, at)

    def upcoming(self, at: datetime) -> list[Scheduled]:
        return sorted((c for c in self.changes if c.effective_from > at), key=lambda c: c.effective_from)

    def change(self, division: Division, wanted: Settings, *, effective_from: datetime | None, now: datetime,
               by: str) -> list[object]:
        """Set the division's own values from ``effective_from`` (now when not given) on."""
        if not division.active:
            raise CouncilRefused("division_retired", f"{division.name}（{division.code}）已撤销",
                                 f"{division.code} has been retired", code=division.code)
        wanted = validated(wanted)
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
