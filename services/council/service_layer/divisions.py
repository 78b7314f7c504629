"""Use cases of the city's registry (行政区划): register, rename, retire, import a code list.

Who may: a city office (市级) registers, renames and retires districts — and, as the office
above, anything under them; a district office (区县) its streets and communities; a street
office (街道) registers and renames its communities (it keeps their names), but only a
district or city office retires one. Each office acts within its scope (its code's leading
digits). A child's registration holds its parent's row, and a retirement counts the active
children under the same lock, so no child slips in under a division being retired.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from yishi_contracts import DivisionLevel, DivisionRegistered, DivisionRenamed

from services.kit.auth import Actor, Role
from services.kit.commands import Change, Context
from services.kit.ports import Service
from services.kit.refusal import INVALID, NOT_FOUND, Refusal
from services.kit.unit_of_work import UnitOfWork

from ..domain.divisions import Division, import_line, level_of, parent_of, register_division
from ..domain.refusal import CouncilRefused
from .ports import CouncilViews

CITY, DISTRICT, STREET = Role.city_office, Role.district_office, Role.street_office
NAMERS: dict[DivisionLevel, tuple[Role, ...]] = {
    DivisionLevel.district: (CITY,),
    DivisionLevel.street: (CITY, DISTRICT),
    DivisionLevel.community: (CITY, DISTRICT, STREET),
}
"""Who registers and renames a division of each level (within their scope)."""
RETIRERS: dict[DivisionLevel, tuple[Role, ...]] = {
    DivisionLevel.district: (CITY,),
    DivisionLevel.street: (CITY, DISTRICT),
    DivisionLevel.community: (CITY, DISTRICT),
}


def stream_id(code: str) -> str:
    return f"division:{code}"


def unknown_division(code: str) -> CouncilRefused:
    return CouncilRefused("division_unknown", f"区划{code}尚未登记", f"no division {code} is registered",
                          kind=NOT_FOUND, code=code)


async def load(uow: UnitOfWork[CouncilViews], code: str) -> Division | None:
    return Division.fold((await uow.load(stream_id(code))).events)


async def _parent(ctx: Context[CouncilViews], code: str) -> Division | None:
    """The division above ``code`` (None for a district: its city is not registered), held."""
    if level_of(code) is DivisionLevel.district:
        return None
    above = parent_of(code)
    await ctx.views.hold(above)
    return await load(ctx.uow, above)


def _by(ctx: Context[CouncilViews]) -> str:
    assert ctx.actor is not None, "registry changes always name their actor"
    return ctx.actor.id


def registering(code: str, name: str, parent_code: str | None = None,
                level: DivisionLevel | None = None) -> Change[Any, CouncilViews]:
    async def decide(existing: Division | None, ctx: Context[CouncilViews]) -> list[object]:
        parent = await _parent(ctx, code)
        return register_division(existing, code, name, parent, parent_code=parent_code, level=level, now=ctx.now,
                                 by=_by(ctx))

    return Change(stream_id(code), Division.fold, decide, community=code, roles=NAMERS[level_of(code)])


async def register(service: Service[CouncilViews], actor: Actor, code: str, name: str,
                   parent_code: str | None = None, level: DivisionLevel | None = None) -> Division:
    """登记 one district, street or community."""
    return (await service.commands.execute(registering(code, name, parent_code, level), actor)).after


async def rename(service: Service[CouncilViews], actor: Actor, code: str, name: str) -> Division:
    """更名; the same name again changes nothing."""
    change: Change[Any, CouncilViews] = Change(
        stream_id(code), Division.fold, lambda division, ctx: division.rename(name, now=ctx.now, by=_by(ctx)),
        community=code, roles=NAMERS[level_of(code)], missing=unknown_division(code),
    )
    return (await service.commands.execute(change, actor)).after


async def retire(service: Service[CouncilViews], actor: Actor, code: str, reason: str) -> Division:
    """撤销, once nothing under it is active."""
    async def decide(division: Division, ctx: Context[CouncilViews]) -> list[object]:
        children = await ctx.views.active_children(code)
        return division.retire(reason, active_children=children, now=ctx.now, by=_by(ctx))

    change: Change[Any, CouncilViews] = Change(
        stream_id(code), Division.fold, decide, community=code, roles=RETIRERS[level_of(code)],
        missing=unknown_division(code),
    )
    return (await service.commands.execute(change, actor)).after


# -- a code list brought in at once (批量导入) ------------------------------------------------


@dataclass(frozen=True)
class ImportLine:
    """One line of a code list: its number in the file, the 12-digit code, the name, the parent given."""

    line: int
    code: str
    name: str
    parent_code: str | None = None


@dataclass
class ImportReport:
    lines: int = 0
    added: list[dict[str, Any]] = field(default_factory=list)
    renamed: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    refused: list[dict[str, Any]] = field(default_factory=list)

    def refuse(self, line: int, code: str | None, refusal: Refusal) -> None:
        self.refused.append({"line": line, "code": code, **refusal.body()})

    def summary(self) -> dict[str, int]:
        return {"lines": self.lines, "added": len(self.added), "renamed": len(self.renamed),
                "unchanged": self.unchanged, "refused": len(self.refused)}


def _importing(item: ImportLine, held: dict[str, Division]) -> Change[Any, CouncilViews]:
    """``held``: the parents this import's transaction holds already (or registered itself,
    unseen by others until it commits), so a street's hundreds of communities hold and load it once."""
    async def decide(existing: Division | None, ctx: Context[CouncilViews]) -> list[object]:
        parent = None
        if existing is None:
            parent = held.get(parent_of(item.code)) or await _parent(ctx, item.code)
            if parent is not None:
                held[parent.code] = parent
        return import_line(existing, item.code, item.name, parent, parent_code=item.parent_code, now=ctx.now,
                           by=_by(ctx))

    return Change(stream_id(item.code), Division.fold, decide, community=item.code, roles=NAMERS[level_of(item.code)])


def _order(item: ImportLine) -> tuple[int, int]:
    """Parents before their children, whatever the file's order."""
    try:
        depth = list(DivisionLevel).index(level_of(item.code))
    except Refusal:
        depth = -1
    return depth, item.line


def duplicate_line(first: int) -> CouncilRefused:
    return CouncilRefused("duplicate_line", f"该代码已在第{first}行出现", f"the code already appears on line {first}",
                          kind=INVALID, first_line=first)


async def import_divisions(service: Service[CouncilViews], actor: Actor, items: Sequence[ImportLine],
                           refused: Sequence[tuple[int, str | None, Refusal]] = ()) -> ImportReport:
    """Each line registered, renamed or left as it is, in one transaction; a line a rule
    refuses is reported with its reason and the others go on. ``refused``: lines the reader
    could not take (bad code, missing name), reported as they are."""
    first_seen: dict[str, int] = {}
    unique: list[ImportLine] = []
    early = list(refused)
    for item in sorted(items, key=lambda i: i.line):
        if item.code in first_seen:
            early.append((item.line, item.code, duplicate_line(first_seen[item.code])))
            continue
        first_seen[item.code] = item.line
        unique.append(item)

    async def work(uow: UnitOfWork[CouncilViews]) -> ImportReport:
        report = ImportReport(lines=len(items) + len(refused))
        held: dict[str, Division] = {}
        for line, code, refusal in early:
            report.refuse(line, code, refusal)
        for item in sorted(unique, key=_order):
            try:
                done = await service.commands.execute_in(uow, _importing(item, held), actor)
            except Refusal as refusal:
                report.refuse(item.line, item.code, refusal)
                continue
            for event in done.events:
                if isinstance(event, DivisionRegistered):
                    held[event.code] = done.after
                    report.added.append({"line": item.line, "code": event.code, "name": event.name})
                elif isinstance(event, DivisionRenamed):
                    report.renamed.append({"line": item.line, "code": event.code, "name": event.name,
                                           "previous_name": event.previous_name})
            if not done.events:
                report.unchanged += 1
        report.refused.sort(key=lambda r: r["line"])
        return report

    return await service.commands.retrying(work)
