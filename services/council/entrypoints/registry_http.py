"""HTTP for the city's registry (行政区划): register, rename, retire, import a code list, find.

Reading the registry needs no token: division codes and names are public (统计用区划代码).
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from yishi_contracts import DivisionLevel

from services.kit.auth import Actor, authenticated
from services.kit.keyed_route import KeyedRoute
from services.kit.ports import Service

from ..adapters.division_csv import read_code_list
from ..domain.divisions import LEVEL_ZH
from ..service_layer import divisions, registry_reading
from ..service_layer.ports import CouncilViews
from ..service_layer.registry_ports import DivisionRecord
from ..service_layer.registry_reading import DivisionView

Code = Annotated[str, Path(pattern=r"^[0-9]{12}$", description="12位统计用区划代码")]
BodyCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{12}$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
"""Checked by the domain (NFC, trimmed, at most 60 characters); the bound only keeps bodies small."""
CSV_EXAMPLE = "code,name,parent_code\n330102001051,清波门社区,330102001000\n"


class NewDivision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: BodyCode = Field(description="12位统计用区划代码：区县330102000000、街道330102001000、社区330102001051")
    name: Name
    parent_code: BodyCode | None = Field(default=None, description="上级区划代码（可省略：由代码推出）")
    level: DivisionLevel | None = Field(default=None, description="可省略：由代码推出")


class NameBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name


class Retirement(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


def record_view(d: DivisionRecord) -> dict[str, Any]:
    return {"code": d.code, "level": d.level, "level_zh": LEVEL_ZH[d.level], "name": d.name,
            "parent_code": d.parent_code, "active": d.active}


def division_view(view: DivisionView) -> dict[str, Any]:
    d = view.division
    return {
        **record_view(d), "path": view.path,
        "ancestors": [{"code": a.code, "level": a.level, "name": a.name} for a in view.ancestors],
        "registered_at": d.registered_at, "renamed_at": d.renamed_at, "retired_at": d.retired_at,
        "retire_reason": d.retire_reason,
    }


def registry_router(service: Service[CouncilViews]) -> APIRouter:
    router = APIRouter(tags=["council: registry 行政区划"], route_class=KeyedRoute)
    Signed = Annotated[Actor, Depends(authenticated)]

    async def shown(code: str) -> dict[str, Any]:
        return division_view(await registry_reading.division(service, code))

    @router.post("/divisions", status_code=201, summary="Register a district, street or community (登记)")
    async def register(body: NewDivision, actor: Signed) -> dict[str, Any]:
        await divisions.register(service, actor, body.code, body.name, body.parent_code, body.level)
        return await shown(body.code)

    @router.put("/divisions/{code}/name", summary="Rename a division (更名); its code stays")
    async def rename(code: Code, body: NameBody, actor: Signed) -> dict[str, Any]:
        await divisions.rename(service, actor, code, body.name)
        return await shown(code)

    @router.post("/divisions/{code}/retirement", summary="Retire a division (撤销), once nothing under it is active")
    async def retire(code: Code, body: Retirement, actor: Signed) -> dict[str, Any]:
        await divisions.retire(service, actor, code, body.reason)
        return await shown(code)

    @router.post(
        "/divisions/import", summary="Import a code list (批量导入): CSV code,name,parent_code; idempotent",
        openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {
            "schema": {"type": "string"}, "example": CSV_EXAMPLE}}}},
    )
    async def import_list(request: Request, actor: Signed) -> dict[str, Any]:
        lines, unreadable = read_code_list(await request.body())
        report = await divisions.import_divisions(service, actor, lines, unreadable)
        return {"summary": report.summary(), "added": report.added, "renamed": report.renamed,
                "refused": report.refused}

    @router.get("/divisions", summary="Find divisions: under a division, of a level, by name or code")
    async def search(
        under: Annotated[str | None, Query(pattern=r"^[0-9]{12}$", description="上级区划代码（含市级代码）")] = None,
        level: DivisionLevel | None = None,
        q: Annotated[str | None, Query(max_length=60, description="名称或代码（开头）")] = None,
        include_retired: bool = False,
        page: Annotated[int, Query(ge=1)] = 1,
        size: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> dict[str, Any]:
        total, found = await registry_reading.search(service, under=under, level=level, text=q,
                                                     include_retired=include_retired, page=page, size=size)
        return {"total": total, "page": page, "size": size, "items": [record_view(d) for d in found]}

    @router.get("/divisions/{code}", summary="One division with the names above it (清波门社区 · 清波街道 · 上城区)")
    async def show(code: Code) -> dict[str, Any]:
        return await shown(code)

    return router
