"""The city's registry (行政区划): districts, streets and communities under their codes.

A division is named by its 12-digit statistical division code (统计用区划代码), whose shape
says its level and its parent: a district 330102000000 (the city's 4 digits, then its own
2), a street 330102001000 (its district's 6, then 3), a community 330102001051 (its
street's 9, then 3). The city itself (330100000000) is not a division of the registry: a
district's parent is the city, which needs no registration.

Event-sourced, one stream per code: registered, renamed, retired. Each command is a pure
decision returning the public events (or a refusal); ``apply`` folds one in.
"""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from yishi_contracts import DivisionLevel, DivisionRegistered, DivisionRenamed, DivisionRetired

from services.kit.refusal import INVALID

from .refusal import CouncilRefused

__all__ = ["Division", "DivisionLevel", "division_name", "import_line", "level_of", "own_digits", "parent_of",
           "register_division"]

NAME_MAX = 60
LEVEL_ABOVE = {DivisionLevel.street: DivisionLevel.district, DivisionLevel.community: DivisionLevel.street}
LEVEL_ZH = {DivisionLevel.district: "区县", DivisionLevel.street: "街道", DivisionLevel.community: "社区"}
SIGNIFICANT = {DivisionLevel.district: 6, DivisionLevel.street: 9, DivisionLevel.community: 12}
"""How many leading digits of its code are a division's own (the rest are zeros)."""


def _bad_code(code: str, why_zh: str, why_en: str) -> CouncilRefused:
    return CouncilRefused("invalid_division_code", f"区划代码{code}不正确：{why_zh}",
                          f"the division code {code} is not valid: {why_en}", kind=INVALID)


def level_of(code: str) -> DivisionLevel:
    """The level the code's shape says; any other shape is refused (422)."""
    if not (len(code) == 12 and code.isascii() and code.isdigit()):
        raise _bad_code(code, "应为12位数字", "it must be 12 digits")
    if code[6:] == "000000":
        if code[4:6] == "00":
            raise _bad_code(code, "这是市级或省级代码，不是区县", "that is a city's or province's code, not a district's")
        return DivisionLevel.district
    if code[6:9] == "000":
        raise _bad_code(code, "第7至9位（街道）不能为000", "digits 7-9 (the street) cannot be 000")
    return DivisionLevel.street if code[9:] == "000" else DivisionLevel.community


def parent_of(code: str) -> str:
    """The code of the division above: a community's street, a street's district, a district's city."""
    level = level_of(code)
    if level is DivisionLevel.district:
        return code[:4] + "0" * 8
    if level is DivisionLevel.street:
        return code[:6] + "0" * 6
    return code[:9] + "000"


def division_name(raw: str) -> str:
    """A division's name as it is kept: NFC, trimmed, non-empty, no control or invisible characters."""
    name = unicodedata.normalize("NFC", raw).strip()
    if not name:
        raise CouncilRefused("name_required", "请填写名称", "a name is required", kind=INVALID)
    if len(name) > NAME_MAX:
        raise CouncilRefused("name_too_long", f"名称不能超过{NAME_MAX}个字", f"the name is over {NAME_MAX} characters",
                             kind=INVALID)
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise CouncilRefused("name_has_control_characters", "名称含有控制字符或不可见字符",
                             "the name contains control or invisible characters", kind=INVALID)
    return name


def _retired(division: "Division") -> CouncilRefused:
    return CouncilRefused("division_retired", f"{division.name}（{division.code}）已撤销",
                          f"{division.code} has been retired", code=division.code)


@dataclass(frozen=True)
class Division:
    code: str
    level: DivisionLevel
    name: str
    parent_code: str
    active: bool = True

    @classmethod
    def fold(cls, events: Sequence[object]) -> "Division | None":
        """The division a stream describes; None for an empty stream."""
        division = None
        for event in events:
            if division is not None:
                division = division.apply(event)
            elif isinstance(event, DivisionRegistered):
                division = cls(event.code, DivisionLevel(event.level), event.name, event.parent_code)
            else:
                raise ValueError("a division's stream starts with DivisionRegistered")
        return division

    def apply(self, event: object) -> "Division":
        if isinstance(event, DivisionRenamed):
            return replace(self, name=event.name)
        if isinstance(event, DivisionRetired):
            return replace(self, active=False)
        return self

    def _event_fields(self) -> dict[str, str]:
        return {"community_id": self.code, "code": self.code}

    def rename(self, name: str, *, now: datetime, by: str) -> list[object]:
        """更名: a new name for the same code; the same name again changes nothing."""
        new_name = division_name(name)
        if not self.active:
            raise _retired(self)
        if new_name == self.name:
            return []
        return [DivisionRenamed(**self._event_fields(), name=new_name, previous_name=self.name, renamed_at=now,
                                renamed_by=by)]

    def retire(self, reason: str, *, active_children: int, now: datetime, by: str) -> list[object]:
        """撤销: not while anything under it is still active (retire or move those first)."""
        if not reason.strip():
            raise CouncilRefused("reason_required", "请说明撤销原因", "give the reason for retiring it", kind=INVALID)
        if not self.active:
            raise _retired(self)
        if active_children:
            raise CouncilRefused(
                "has_active_children", f"{self.name}下还有{active_children}个未撤销的下级区划，请先撤销它们",
                f"{active_children} division(s) under {self.code} are still active: retire them first",
                active_children=active_children,
            )
        return [DivisionRetired(**self._event_fields(), reason=reason.strip(), retired_at=now, retired_by=by)]


def _check_shape(code: str, parent_code: str | None, level: DivisionLevel | None) -> DivisionLevel:
    shape = level_of(code)
    if level is not None and DivisionLevel(level) is not shape:
        raise CouncilRefused(
            "level_mismatch", f"代码{code}是{LEVEL_ZH[shape]}级代码，不是{LEVEL_ZH[DivisionLevel(level)]}",
            f"{code} is a {shape} code, not a {level}", kind=INVALID,
        )
    if parent_code is not None and parent_code != parent_of(code):
        raise CouncilRefused(
            "parent_mismatch", f"代码{code}的上级应为{parent_of(code)}（社区代码以所属街道的前9位开头，街道以所属区县的前6位开头）",
            f"the parent of {code} is {parent_of(code)}: a community's code starts with its street's 9 digits, "
            "a street's with its district's 6",
            kind=INVALID, expected_parent_code=parent_of(code),
        )
    return shape


def register_division(
    existing: Division | None, code: str, name: str, parent: Division | None, *, parent_code: str | None = None,
    level: DivisionLevel | None = None, now: datetime, by: str,
) -> list[object]:
    """登记: a new code under an active parent of the level above (a district under its city)."""
    shape = _check_shape(code, parent_code, level)
    kept = division_name(name)
    if existing is not None:
        if not existing.active:
            raise _retired(existing)
        raise CouncilRefused("division_exists", f"{existing.name}（{code}）已登记", f"{code} is already registered",
                             code=code, name=existing.name)
    if shape is not DivisionLevel.district:
        above = parent_of(code)
        if parent is None:
            raise CouncilRefused(
                "parent_not_registered", f"上级区划{above}尚未登记，请先登记上级",
                f"the division above, {above}, is not registered: register it first", parent_code=above,
            )
        if not parent.active:
            raise CouncilRefused("parent_retired", f"上级区划{parent.name}（{above}）已撤销",
                                 f"the division above, {above}, has been retired", parent_code=above)
        if parent.level is not LEVEL_ABOVE[shape]:
            raise AssertionError(f"{above} is a {parent.level}, the shape of {code} says {LEVEL_ABOVE[shape]}")
    return [DivisionRegistered(community_id=code, code=code, level=shape, name=kept, parent_code=parent_of(code),
                               registered_at=now, registered_by=by)]


def import_line(
    existing: Division | None, code: str, name: str, parent: Division | None, *, parent_code: str | None,
    now: datetime, by: str,
) -> list[object]:
    """One line of a code list brought in: registered when new, renamed when its name changed,
    nothing when it is as registered (so importing the same list again changes nothing)."""
    if existing is None:
        return register_division(None, code, name, parent, parent_code=parent_code, now=now, by=by)
    _check_shape(code, parent_code, None)
    return existing.rename(name, now=now, by=by)


def own_digits(code: str) -> str:
    """The leading digits that are the division's own: what every code under it starts with
    (a city's 4, a district's 6, a street's 9)."""
    if len(code) == 12 and code.isascii() and code.isdigit() and code[4:] == "0" * 8 and code[2:4] != "00":
        return code[:4]
    return code[:SIGNIFICANT[level_of(code)]]
