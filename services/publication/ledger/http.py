"""HTTP: the ledger (台账) for offices and councils, and a community's open data for anyone."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse, Response
from yishi_contracts import CommunityId

from services.kit.auth import Actor, authenticated
from services.kit.ports import Service

from . import exports, open_data
from .queries import SqlLedgerViews
from .report import read_ledger, readable_division
from .rules import Division, Level, Period

Format = Literal["json", "csv", "xlsx"]
Breakdown = Literal["children", "all", "none", "district", "street", "community"]


def _levels(division: Division, breakdown: str, fmt: str) -> tuple[Level, ...]:
    if breakdown == "none":
        return ()
    if breakdown == "all" or (breakdown == "children" and fmt == "xlsx"):
        return tuple(Level)
    if breakdown == "children":
        return (division.child_level,) if division.child_level else ()
    return (Level(breakdown),)


def _download(content: bytes, media_type: str, name: str) -> Response:
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f"attachment; filename=\"{name}\""})


def ledger_router(service: Service[object]) -> APIRouter:
    router = APIRouter(tags=["publication: ledger 台账"])

    @router.get(
        "/ledger", summary="The ledger (台账) of a community, street, district or the city for a month, quarter or year",
        responses={200: {"content": {"text/csv": {}, exports.XLSX_TYPE: {}}}},
    )
    async def ledger(
        actor: Annotated[Actor, Depends(authenticated)],
        division: Annotated[str, Query(description="a 12-digit division code, or 'city' (the reader's city)")],
        period: Annotated[str, Query(description="2026 | 2026-Q3 | 2026-11, China time")],
        format: Annotated[Format, Query(description="json, csv (UTF-8 with BOM) or xlsx")] = "json",
        breakdown: Annotated[Breakdown, Query(
            description="the divisions under it side by side: children (the next level; every level in xlsx), "
                        "all, none, or one level")] = "children",
    ) -> Response:
        asked, when = Division.parse(division), Period.parse(period)
        allowed = readable_division(actor, asked)
        async with SqlLedgerViews.reading(service) as views:
            found = await read_ledger(views, allowed, when, now=service.clock.now(),
                                      levels=_levels(allowed, breakdown, format))
        name = f"ledger-{allowed.code if allowed.code != 'city' else allowed.prefix}-{when.name}"
        if format == "csv":
            return _download(exports.as_csv(found), "text/csv; charset=utf-8", f"{name}.csv")
        if format == "xlsx":
            return _download(exports.as_xlsx(found), exports.XLSX_TYPE, f"{name}.xlsx")
        return JSONResponse(exports.as_json(found))

    @router.get(
        "/open-data/{community_id}", response_model=open_data.OpenData,
        summary="A community's public records for a period (open data, no login): no personal data",
        responses={200: {"content": {"text/csv": {}}}},
    )
    async def community_open_data(
        community_id: Annotated[CommunityId, Path(description="the community's 12-digit code")],
        period: Annotated[str, Query(description="2026 | 2026-Q3 | 2026-11, China time")],
        format: Annotated[Literal["json", "csv"], Query()] = "json",
    ) -> Response:
        when = Period.parse(period)
        async with SqlLedgerViews.reading(service) as views:
            rows = await views.public_records(community_id, when.start, when.end)
            names = await views.community_names(community_id)
        data = open_data.OpenData(community_id=community_id, community=open_data.community(names), period=when.name,
                                  start=when.start, end=when.end, records=[open_data.record(r) for r in rows])
        if format == "csv":
            return _download(open_data.as_csv(data), "text/csv; charset=utf-8", f"open-data-{community_id}-{when.name}.csv")
        return JSONResponse(data.model_dump(mode="json"))

    return router
