"""Events of the city's registry (行政区划) and of the settings per division, published by council.

A division is a district or county (区/县), a street or town (街道/乡镇) or a community or
village (社区/村), named by its 12-digit statistical division code (统计用区划代码): the
district 330102000000, its street 330102001000, that street's community 330102001051. Each
event's stream and Kafka key is the division's code, which is also its ``community_id``.
"""

from enum import StrEnum
from fractions import Fraction
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from ..base import AwareDatetime, Event, Text

DivisionCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{12}$")]
DivisionName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


class DivisionLevel(StrEnum):
    """Where a division stands in the city (行政区划层级)."""

    district = "district"  # 区/县
    street = "street"  # 街道/乡镇
    community = "community"  # 社区/村


def _ratio(text: str) -> str:
    numerator, denominator = (int(part) for part in text.split("/"))
    if denominator == 0:
        raise ValueError("the denominator cannot be 0 (分母不能为0)")
    value = Fraction(numerator, denominator)
    return f"{value.numerator}/{value.denominator}"


Ratio = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,4}/[0-9]{1,4}$"), AfterValidator(_ratio)]
"""An exact share written "n/d" (e.g. "2/3"), kept in lowest terms."""


class DivisionEvent(Event):
    """An event about one division: its stream and key is the division's code."""

    code: DivisionCode

    def subject(self) -> str:
        return self.code

    @model_validator(mode="after")
    def _community_is_the_code(self) -> "DivisionEvent":
        if self.community_id != self.code:
            raise ValueError("community_id must be the division's code (community_id 须为该区划代码)")
        return self


class DivisionRegistered(DivisionEvent):
    """A district, street or community is entered in the city's registry (登记行政区划)."""

    type_name = "yishi.DivisionRegistered"
    version = 1

    level: DivisionLevel
    name: DivisionName
    parent_code: DivisionCode
    """The division above: a community's street, a street's district, a district's city (e.g.
    330100000000 for Hangzhou; the city itself is not a division of the registry)."""
    registered_at: AwareDatetime
    registered_by: Text


class DivisionRenamed(DivisionEvent):
    """A division's name changed (更名); its code stays."""

    type_name = "yishi.DivisionRenamed"
    version = 1

    name: DivisionName
    previous_name: DivisionName
    renamed_at: AwareDatetime
    renamed_by: Text


class DivisionRetired(DivisionEvent):
    """A division no longer exists (撤销), e.g. merged into another; its code is not reused."""

    type_name = "yishi.DivisionRetired"
    version = 1

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    retired_at: AwareDatetime
    retired_by: Text


class CommunitySettingsChanged(DivisionEvent):
    """A division's own settings, as they are from ``effective_from`` on (议事设置).

    Each value is the division's own; null means it inherits (community ← street ← district
    ← the city-wide default). The event carries all four, so the latest one effective at a
    time says everything the division set. A setting applies to what starts after it."""

    type_name = "yishi.CommunitySettingsChanged"
    version = 1

    level: DivisionLevel
    disclosure_days: int | None = Field(default=None, ge=1, le=90)
    """公示期: days a resolution stays on the public board for objections (city default 7)."""
    quorum: Ratio | None = None
    """法定人数: the share of the fixed members who must be present (city default "2/3")."""
    adoption: Ratio | None = None
    """表决通过: the share of the voting members present that "in favour" must exceed (default "1/2")."""
    overdue_grace_days: int | None = Field(default=None, ge=0, le=90)
    """Days after a task's deadline before it counts as overdue (逾期宽限, default 0)."""
    effective_from: AwareDatetime
    changed_by: Text

    @model_validator(mode="after")
    def _shares_in_range(self) -> "CommunitySettingsChanged":
        if self.quorum is not None and not 0 < Fraction(self.quorum) <= 1:
            raise ValueError("quorum must be in (0, 1] (法定人数须大于0且不超过1)")
        if self.adoption is not None and not 0 <= Fraction(self.adoption) < 1:
            raise ValueError("adoption must be in [0, 1) (表决通过比例须小于1)")
        return self
