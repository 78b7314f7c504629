"""What a resident sees behind their receipt code (办理进度): the steps of their topic.

Every public event of a topic's life marks one status (``yishi_contracts.lifecycle``); the
history keeps each step with what the resident reads and the details of that step, and
the current status is derived from all the steps seen, whatever order they arrived in.
Pure: the projection stores what these functions say.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from yishi_contracts import MeetingScheduled, Status, TopicSubmitted, label_zh, status_marked_by, status_of
from yishi_contracts.lifecycle import label

S = Status

DETAILS: dict[Status, Callable[[Any], dict[str, Any]]] = {
    S.researched: lambda e: {"feasibility": e.feasibility},
    S.researching: lambda e: {"reason": e.reason},
    S.accepted: lambda e: {"category": e.decision.category},
    S.rejected: lambda e: {
        "reason": e.decision.reason, "explanation": e.decision.explanation, "referral": e.decision.referral,
        "referral_zh": label_zh(e.decision.referral) if e.decision.referral else None,
        "referral_note": e.decision.referral_note,
    },
    S.merged: lambda e: {"merged_into": str(e.decision.merged_into), "note": e.decision.note},
    S.returned: lambda e: {"details_requested": e.decision.details_requested},
    S.scheduled: lambda e: {"meeting_at": e.scheduled_for.isoformat()},
    S.resolved: lambda e: {"resolution": e.text},
    S.deferred: lambda e: {"reason": e.reason},
    S.dropped: lambda e: {"reason": e.reason},
    S.in_disclosure: lambda e: {"ends_at": e.ends_at.isoformat()},
    S.returned_to_council: lambda e: {"assessment": e.assessment},
    S.implementing: lambda e: {"round": e.round},
    S.implemented: lambda e: {"on_time": e.on_time},
    S.reopened: lambda e: {"reason": e.reason},
    S.closed: lambda e: {"ratings": e.ratings.model_dump()},
    S.escalated: lambda e: {"kind": e.kind},
}
"""The details each step shows; a step not listed shows none."""

WORDED: dict[Status, Callable[[Any], str]] = {
    S.accepted: lambda e: f"已立项：{label_zh(e.decision.category)}",
    S.rejected: lambda e: f"{label(S.rejected)}：{label_zh(e.decision.reason)}",
    S.scheduled: lambda e: f"{label(S.scheduled)}（{e.place}）",
    S.escalated: lambda e: f"已转化为{label_zh(e.kind)}，报送县政协",
}
"""Steps whose wording names a detail (the category, the reason, the place, the kind);
every other step reads as its status's label."""


@dataclass(frozen=True)
class ProgressStep:
    """One step of one topic's progress, as the history shows it."""

    topic_id: UUID
    community_id: str
    at: datetime
    status: Status
    entry: dict[str, Any]
    """``{"step", "label_zh", "at", **details}``: one element of the receipt's history."""
    title: str | None = None


def steps_of(event: Any, at: datetime) -> list[ProgressStep]:
    """The steps an event marks (one per topic it names; none for an event outside the life)."""
    status = status_marked_by(event)
    if status is None:
        return []
    worded = WORDED.get(status)
    details = {k: v for k, v in DETAILS.get(status, lambda e: {})(event).items() if v is not None}
    entry = {"step": status.value, "label_zh": worded(event) if worded else label(status), "at": at.isoformat(),
             **details}
    title = event.title if isinstance(event, TopicSubmitted) else None
    topic_ids = event.topic_ids if isinstance(event, MeetingScheduled) else [event.topic_id]
    return [ProgressStep(topic_id, event.community_id, at, status, entry, title) for topic_id in topic_ids]


def submitted_step(at: datetime) -> dict[str, Any]:
    """The history's first step, as ``steps_of`` makes it from the TopicSubmitted: what a receipt
    shows before the receipt view has the topic."""
    return {"step": S.submitted.value, "label_zh": label(S.submitted), "at": at.isoformat()}


def current_status(history: Iterable[Mapping[str, Any]]) -> Status | None:
    """Where the topic stands, from every step in its history, in any order."""
    return status_of((datetime.fromisoformat(h["at"]), h["step"]) for h in history)
