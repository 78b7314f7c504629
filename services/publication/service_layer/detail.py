"""What the public sees of one topic: its step, the resolution, the disclosure, the tasks and the ratings.

Overdue flags are computed with the service's clock. Nothing here names a resident: objections
are anonymous texts and ratings are only counted.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from yishi_contracts import label_zh
from yishi_contracts.codes import Category, ExclusionReason

from .. import domain as d
from ..adapters import board
from .disclosures import disclosure_of
from .escalation import escalation_of
from .implementation import implementation_of, ratings_of


def entry(row: dict[str, Any]) -> dict[str, Any]:
    """A board row as the public sees it."""
    status = board.status_of(row)
    category, reason = row.get("category"), row.get("exclusion_reason")
    return {
        "topic_id": row["topic_id"],
        "title": row.get("title"),
        "status": status,
        "status_zh": board.STATUS_ZH.get(status, status),
        "category": category,
        "category_zh": label_zh(Category(category)) if category else None,
        "exclusion_reason": reason,
        "exclusion_reason_zh": label_zh(ExclusionReason(reason)) if reason else None,
        "submitted_at": row.get("submitted_at"),
        "resolution_text": row.get("resolution_text"),
        "disclosure_ends_at": row.get("disclosure_ends_at"),
        "implementation_round": row.get("implementation_round"),
    }


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


def _implementation(impl: d.Implementation, now: datetime) -> dict[str, Any]:
    return {
        "round": impl.round,
        "status": impl.status,
        "completed_at": impl.completed_at,
        "closed_at": impl.closed_at,
        "tasks": [
            {"task_id": t.spec.task_id, "round": t.round, "description": t.spec.description,
             "responsible_party": t.spec.responsible_party, "deadline": t.spec.deadline, "percent": t.percent,
             "progress_reports": t.reports, "completed_at": t.completed_at, "overdue": t.overdue(now)}
            for t in impl.tasks
        ],
        "overdue_tasks": len(impl.overdue(now)),
        "ratings": ratings_of(impl).model_dump(),
    }


async def topic_detail(runtime: Any, topic_id: UUID) -> dict[str, Any] | None:
    now = runtime.clock.now()
    async with runtime.pool.acquire() as conn:
        row = await board.topic_row(conn, topic_id)
        if row is None:
            return None
        resolution = await board.latest_resolution(conn, topic_id)
        disclosure = await disclosure_of(runtime, conn, topic_id)
        impl = await implementation_of(runtime, conn, topic_id)
        escalation = await escalation_of(runtime, conn, topic_id, row["community_id"])
    escalated = escalation.escalated
    return {
        **entry(row),
        "community_id": row["community_id"],
        "resolution": {k: resolution[k] for k in ("resolution_id", "text", "measures", "method", "adopted_at")}
        if resolution else None,
        "disclosure": _disclosure(disclosure, now) if disclosure else None,
        "implementation": _implementation(impl, now) if impl else None,
        "escalation": {"ground": escalated.ground.value, "kind": escalated.kind.value, "summary": escalated.summary,
                       "addressee": escalated.addressee, "escalated_at": escalated.escalated_at} if escalated else
        ({"ground": escalation.ground.value, "escalated_at": None} if escalation.ground else None),
    }
