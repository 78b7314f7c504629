"""HTTP for the settings per division (议事设置): set a division's own, read what applies and why."""

from fractions import Fraction
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from yishi_contracts.events.registry import Ratio

from services.kit.auth import Actor, authenticated
from services.kit.ports import Service

from ..domain.settings import DAYS_MAX, Inherited, Settings, fraction_text
from ..service_layer import settings
from ..service_layer.ports import CouncilViews
from ..service_layer.settings import SettingsView

Code = Annotated[str, Path(pattern=r"^[0-9]{12}$", description="12位统计用区划代码")]
SOURCE_ZH = {"city": "全市默认", "district": "区县设置", "street": "街道设置", "community": "社区设置"}


class SettingsBody(BaseModel):
    """The division's own values; a value left out or null inherits (from the street, the district,
    else the city-wide default). A PUT replaces all four."""

    model_config = ConfigDict(extra="forbid")
    disclosure_days: int | None = Field(default=None, ge=1, le=DAYS_MAX, description="公示期（天），全市默认7天")
    quorum: Ratio | None = Field(default=None, description='法定人数，如 "2/3"（全市默认）')
    adoption: Ratio | None = Field(default=None, description='表决通过须超过的比例，如 "1/2"（全市默认：过半数）')
    overdue_grace_days: int | None = Field(default=None, ge=0, le=DAYS_MAX, description="逾期宽限（天），默认0")
    effective_from: AwareDatetime | None = Field(default=None, description="生效时间，默认现在；不能早于现在")

    def wanted(self) -> Settings:
        return Settings(
            self.disclosure_days, Fraction(self.quorum) if self.quorum is not None else None,
            Fraction(self.adoption) if self.adoption is not None else None, self.overdue_grace_days,
        )


def _value(value: int | Fraction | None) -> int | str | None:
    return fraction_text(value) if isinstance(value, Fraction) else value


def _own(values: Settings) -> dict[str, Any]:
    return {name: _value(getattr(values, name)) for name in Settings.names()}


def _inherited(item: Inherited) -> dict[str, Any]:
    return {"value": _value(item.value), "source": item.source, "source_zh": SOURCE_ZH[item.source], "code": item.code}


def settings_body(view: SettingsView) -> dict[str, Any]:
    d = view.division
    return {
        "code": d.code, "name": d.name, "level": d.level, "at": view.at,
        "effective": {name: _inherited(getattr(view.effective, name)) for name in Settings.names()},
        "own": _own(view.own),
        "upcoming": [{"effective_from": s.effective_from, **_own(s.settings)} for s in view.upcoming],
    }


def settings_router(service: Service[CouncilViews]) -> APIRouter:
    router = APIRouter(tags=["council: settings 议事设置"])
    Signed = Annotated[Actor, Depends(authenticated)]

    @router.put("/divisions/{code}/settings", summary="Set a division's own settings (公示期, 法定人数, 表决, 逾期宽限)")
    async def change(code: Code, body: SettingsBody, actor: Signed) -> dict[str, Any]:
        await settings.change_settings(service, actor, code, body.wanted(), body.effective_from)
        return settings_body(await settings.settings_view(service, code))

    @router.get("/divisions/{code}/settings", summary="The settings that apply, and where each comes from")
    async def show(code: Code, at: AwareDatetime | None = None) -> dict[str, Any]:
        return settings_body(await settings.settings_view(service, code, at))

    return router
