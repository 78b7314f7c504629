"""What the public sees: the board of a community and one topic's step, resolution, disclosure,
tasks and ratings.

Labels come from ``yishi_contracts`` (the lifecycle's statuses, the codes' names); overdue
flags are computed with the service's clock. Nothing here names a resident: objections are
anonymous texts and ratings are only counted. A topic's detail folds its aggregates from
their streams in one unit of work that records nothing.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from yishi_contracts import label_zh
from yishi_contracts.codes import Category, ExclusionReason, Referral
from yishi_contracts.lifecycle import label

from services.kit.ports import Service
from services.kit.registry import CommunityNames

from .. import domain as d
from .config import disclosure_stream, escalation_stream, implementation_stream
from .grace import graces
from .ports import BoardRow, PublicationViews
from .public import ratings_of


def entry(row: BoardRow, community: CommunityNames | None = None) -> dict[str, Any]:
    """A board row as the public sees it, with its community's names (社区 · 街道 · 区) when known."""
    category, reason, referral = row.get("category"), row.get("exclusion_reason"), row.get("referral")
    return {
        "topic_id": row["topic_id"],
        "community": community.as_dict() if community else None,
        "title": row.get("title"),
        "status": row["status"],
        "status_zh": label(row["status"]),
        "category": category,
        "category_zh": label_zh(Category(category)) if category else None,
        "exclusion_reason": reason,
        "exclusion_reason_zh": label_zh(ExclusionReason(reason)) if reason else None,
        "exclusion_explanation": row.get("exclusion_explanation"),
        "referral": referral,
        "referral_zh": label_zh(Referral(referral)) if referral else None,
        "referral_note": row.get("referral_note"),
        "submitted_at": row.get("submitted_at"),
        "resolution_text": row.get("resolution_text"),
        "disclosure_ends_at": row.get("disclosure_ends_at"),
        "implementation_round": row.get("implementation_round"),
    }


async def community_names(service: Service[PublicationViews], community_id: str) -> CommunityNames:
    async with service.reading() as views:
        return (await views.community_names([community_id]))[community_id]


async def community_board(service: Service[PublicationViews], community_id: str) -> list[dict[str, Any]]:
    async with service.reading() as views:
        rows = await views.community_board(community_id)
        names = (await views.community_names([community_id]))[community_id]
    return [entry(row, names) for row in rows]


def _disclosure(disclosure: d.Disclosure, now: datetime) -> dict[str, Any]:
    return {
        "resolution_id": disclosure.resolution_id,
        "published_at": disclosure.published_at,
        "ends_at": disclosure.ends_at,
        "accepts_objections": disclosure.accepts_objections(now),
        "outcome": disclosure.outcome,
        "objections": [
            {"objection_id": o.objection_id, "text": o.text, "raised_at": o.raised_at, "assessed": o.assessed,
             "substantive": o.substantive, "assessment": o.reason}
            for o in disclosure.objections
        ],
    }


def _implementation(impl: d.Implementation, now: datetime, grace: dict[int, int]) -> dict[str, Any]:
    return {
        "round": impl.round,
        "status": impl.status,
        "completed_at": impl.completed_at,
        "closed_at": impl.closed_at,
        "tasks": [
            {"task_id": t.spec.task_id, "round": t.round, "description": t.spec.description,
             "responsible_party": t.spec.responsible_party, "deadline": t.spec.deadline, "percent": t.percent,
             "progress_reports": t.reports, "completed_at": t.completed_at,
             "overdue_grace_days": grace.get(t.round, 0), "overdue": t.overdue(now, grace.get(t.round, 0))}
            for t in impl.tasks
        ],
        "overdue_tasks": len(impl.overdue(now, grace)),
        "ratings": ratings_of(impl).model_dump(),
    }


def _escalation(escalation: d.Escalation | None) -> dict[str, Any] | None:
    if escalation is None:
        return None
    filed = escalation.escalated
    if filed is None:
        return {"ground": escalation.ground.value, "escalated_at": None} if escalation.ground else None
    return {"ground": filed.ground.value, "kind": filed.kind.value, "summary": filed.summary,
            "addressee": filed.addressee, "escalated_at": filed.escalated_at}


async def topic_detail(service: Service[PublicationViews], topic_id: UUID) -> dict[str, Any]:
    now = service.clock.now()
    async with service.commands.units() as uow:
        row = await uow.views.board_row(topic_id)
        if row is None:
            raise d.not_found("该议题", "topic")
        resolution = await uow.views.latest_resolution(topic_id)
        resolution_id = await uow.views.current_disclosure(topic_id)
        disclosure = d.Disclosure.fold((await uow.load(disclosure_stream(resolution_id))).events) if resolution_id else None
        impl = d.Implementation.fold((await uow.load(implementation_stream(topic_id))).events)
        escalation = d.Escalation.fold((await uow.load(escalation_stream(topic_id))).events)
        names = (await uow.views.community_names([row["community_id"]]))[row["community_id"]]
        grace = await graces(uow.views, impl) if impl else {}
    return {
        **entry(row, names),
        "community_id": row["community_id"],
        "resolution": resolution.model_dump(mode="json", include={"resolution_id", "text", "measures", "method", "adopted_at"})
        if resolution else None,
        "disclosure": _disclosure(disclosure, now) if disclosure else None,
        "implementation": _implementation(impl, now, grace) if impl else None,
        "escalation": _escalation(escalation),
    }
