"""Open data (开放数据): a community's public records for a period, as the public board shows
them — public titles, screening outcomes, resolutions, implementation outcomes and satisfaction
counts; never a resident's name or contact, which publication does not even hold."""

import csv
import io
from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field
from yishi_contracts.codes import Category, Channel, EscalationKind, ExclusionReason, TopicSource, label_zh

from services.kit.registry import CommunityNames


class PublicRecord(BaseModel):
    """One topic of the community, as published."""

    topic_id: UUID = Field(description="议题编号 the topic's id")
    title: str = Field(description="议题名称 the public title")
    source: str | None = Field(description="来源 party_government | council_member | resident")
    channel: str | None = Field(description="渠道 service_station | household_visit | grid | phone | online")
    submitted_at: datetime | None = Field(description="收集时间 when it was submitted")
    screening_outcome: str | None = Field(description="确定议题结果 accepted | rejected | merged | returned")
    category: str | None = Field(description="类别 one of the seven categories, once accepted")
    exclusion_reason: str | None = Field(description="不予协商原因 one of the seven reasons, if rejected")
    screened_at: datetime | None = Field(description="确定议题时间")
    resolution: str | None = Field(description="协商意见 the latest resolution's text")
    resolved_at: datetime | None = Field(description="形成协商意见时间")
    deferred_at: datetime | None = Field(description="暂缓时间 the meeting sent it back to research")
    dropped_at: datetime | None = Field(description="不再协商时间")
    disclosed_at: datetime | None = Field(description="公示开始时间")
    implementation_started_at: datetime | None = Field(description="开始落实时间")
    implemented_at: datetime | None = Field(description="落实完成时间")
    implemented_on_time: bool | None = Field(description="是否按期完成")
    closed_at: datetime | None = Field(description="办结时间")
    satisfied: int | None = Field(description="满意 ratings of the latest judged round")
    basically_satisfied: int | None = Field(description="基本满意")
    dissatisfied: int | None = Field(description="不满意")
    escalated_at: datetime | None = Field(description="成果转化时间")
    escalation_kind: str | None = Field(description="成果转化方式 cppcc_proposal | social_conditions_report")
    source_zh: str | None = Field(description="来源（中文）")
    channel_zh: str | None = Field(description="渠道（中文）")
    screening_outcome_zh: str | None = Field(description="确定议题结果（中文）")
    category_zh: str | None = Field(description="类别（中文）")
    exclusion_reason_zh: str | None = Field(description="不予协商原因（中文）")
    escalation_kind_zh: str | None = Field(description="成果转化方式（中文）")


class Community(BaseModel):
    """The community as people name it (None where the registry does not know it)."""

    code: str = Field(description="社区12位统计用区划代码")
    name: str | None = Field(description="社区名称")
    street: str | None = Field(description="所属街道")
    district: str | None = Field(description="所属区县")
    path: str | None = Field(description="清波门社区 · 清波街道 · 上城区")


class OpenData(BaseModel):
    community_id: str
    community: Community
    period: str
    start: datetime
    end: datetime
    records: list[PublicRecord]


FIELDS = list(PublicRecord.model_fields)
CODES = {"source": TopicSource, "channel": Channel, "category": Category, "exclusion_reason": ExclusionReason,
         "escalation_kind": EscalationKind}
"""The codes a record carries with their Chinese names beside them (``source`` → ``source_zh``)."""
OUTCOMES_ZH = {"accepted": "立项", "rejected": "不予协商", "merged": "合并", "returned": "退回补充"}
COMMUNITY_COLUMNS = ["community_id", "community_name", "street", "district"]
"""The CSV's first columns: which community each row is of, by code and by name."""


def _zh(code: type[Any], value: str | None) -> str | None:
    return label_zh(code(value)) if value in code.__members__ else value


def record(row: Any) -> PublicRecord:
    values = {name: row[name] for name in FIELDS if name != "resolution" and not name.endswith("_zh")}
    names = {f"{name}_zh": _zh(code, row[name]) for name, code in CODES.items()}
    outcome = row["screening_outcome"]
    return PublicRecord(resolution=row["resolution_text"], **values, **names,
                        screening_outcome_zh=OUTCOMES_ZH.get(outcome, outcome) if outcome else None)


def community(names: CommunityNames) -> Community:
    return Community(code=names.code, name=names.name, street=names.street, district=names.district,
                     path=names.path or None)


def as_csv(data: OpenData) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*COMMUNITY_COLUMNS, *FIELDS])
    where = [data.community_id, data.community.name or "", data.community.street or "", data.community.district or ""]
    for r in data.records:
        dumped = r.model_dump(mode="json")
        writer.writerow([*where, *("" if dumped[f] is None else dumped[f] for f in FIELDS)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
