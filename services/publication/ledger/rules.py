"""The ledger's rules: periods in China time and the division a ledger is for.

A period is a calendar year, quarter or month in Asia/Shanghai, half-open [start, end): an
event at 2026-12-31T16:30Z is 2027-01-01 00:30 in China, so it belongs to January 2027.
A division is named by its 12-digit code; its prefix is the hierarchy: a district's first 6
digits, a street's first 9, a community's 12; ``city`` is every community the ledger holds.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from services.kit.refusal import CHINA_TIME, INVALID, NOT_YOURS, Refusal

from ..domain.refusal import PublicationRefused

_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")
_CODE = re.compile(r"^\d{12}$")


class Level(StrEnum):
    city = "city"
    district = "district"
    street = "street"
    community = "community"


LEVEL_ZH = {Level.city: "全市", Level.district: "区县", Level.street: "街道", Level.community: "社区"}


@dataclass(frozen=True)
class Period:
    """A calendar period in China time; ``name`` is how it is asked for: 2026, 2026-Q3, 2026-11."""

    name: str
    first_day: date
    next_first_day: date

    @classmethod
    def parse(cls, text: str) -> "Period":
        found = _PERIOD.match(text.strip())
        if not found or not 2000 <= int(found["year"]) <= 2100:
            raise PublicationRefused(
                "invalid_period", "期间格式应为年（2026）、季度（2026-Q3）或月份（2026-11）",
                "the period is a year (2026), a quarter (2026-Q3) or a month (2026-11)", kind=INVALID,
            )
        year = int(found["year"])
        if found["quarter"]:
            first_month, months = 3 * int(found["quarter"]) - 2, 3
        elif found["month"]:
            first_month, months = int(found["month"]), 1
        else:
            first_month, months = 1, 12
        return cls(found.group(0), date(year, first_month, 1), _add_months(date(year, first_month, 1), months))

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, datetime.min.time(), CHINA_TIME)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.next_first_day, datetime.min.time(), CHINA_TIME)

    def contains(self, at: datetime | None) -> bool:
        return at is not None and self.start <= at < self.end

    def as_of(self, now: datetime) -> datetime:
        """The instant a stock figure (overdue implementations) is taken at: the period's end, or now."""
        return min(self.end, now)

    @property
    def label_zh(self) -> str:
        d = self.first_day
        if self.next_first_day == _add_months(d, 12):
            return f"{d.year}年"
        if self.next_first_day == _add_months(d, 3):
            return f"{d.year}年第{(d.month + 2) // 3}季度"
        return f"{d.year}年{d.month}月"


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Division:
    """Whom a ledger is for: ``prefix`` starts the code of every community it covers."""

    code: str
    level: Level
    prefix: str

    @classmethod
    def parse(cls, text: str) -> "Division":
        text = text.strip()
        if text == "city":
            return cls("city", Level.city, "")
        if not _CODE.match(text):
            raise PublicationRefused(
                "invalid_division", "区划应为12位统计用区划代码或 city",
                "the division is a 12-digit division code or 'city'", kind=INVALID,
            )
        if text[4:] == "0" * 8:
            return cls(text, Level.city, text[:4])
        if text[6:] == "000000":
            return cls(text, Level.district, text[:6])
        if text[9:] == "000":
            return cls(text, Level.street, text[:9])
        return cls(text, Level.community, text)

    @property
    def child_level(self) -> Level | None:
        """The level listed side by side under this division (one row each), if any."""
        return {Level.city: Level.district, Level.district: Level.street, Level.street: Level.community}.get(self.level)

    def for_reader(self, actor_scope: str, *, office: bool, community_role: bool) -> "Division":
        """The division as this reader may read it, or a 403: offices within their scope (``city``
        is the city of a city-wide office, scope of 4 digits or fewer); a community's council and
        staff only their own community."""
        if office and actor_scope and self.code == "city" and len(actor_scope) <= 4:
            return Division("city", Level.city, actor_scope)
        if office and actor_scope and self.code != "city" and self.prefix.startswith(actor_scope):
            return self
        if community_role and self.level is Level.community and self.code == actor_scope:
            return self
        raise Refusal(
            "outside_your_division", f"您只能查看本辖区（{actor_scope or '无'}）的台账",
            f"you may read the ledger only within {actor_scope or 'no division'}, not {self.code}", kind=NOT_YOURS,
        )
