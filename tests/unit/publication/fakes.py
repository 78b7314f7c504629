"""Publication's views port in memory: the board, resolutions and disclosures its projection keeps,
kept here from the public events recorded (``apply``) or fed from upstream (``feed``)."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

import yishi_contracts as c
from yishi_contracts import Envelope, ResolutionAdopted
from yishi_contracts.lifecycle import Status, status_marked_by, status_of
from yishi_contracts.settings import EffectiveSettings

from services.kit.auth import Actor, Role
from services.kit.fakes import FakeService, FixedClock
from services.kit.registry import CommunityNames
from services.publication.service_layer.config import CODEC, PublicationConfig
from services.publication.service_layer.ports import BoardRow
from services.publication.service_layer.task_query import ListedTask, TaskPage, TaskQuery
from tests.support.registry import MemoryRegistry

from ..factories import COMMUNITY, NOW

CONFIG = PublicationConfig(resident_salt="unit-test-secret", receipt_secret="unit-test-receipts")


def actor(*roles: Role, scope: str = COMMUNITY, sub: str = "worker-1") -> Actor:
    return Actor(sub, frozenset(roles), scope)


class FakePublicationViews:
    def __init__(self) -> None:
        self.rows: dict[UUID, dict[str, Any]] = {}
        self.steps: dict[UUID, list[tuple[datetime, Status]]] = {}
        self.resolutions: dict[UUID, ResolutionAdopted] = {}
        self.disclosures: dict[UUID, dict[str, Any]] = {}
        self.checks: dict[UUID, str] = {}
        self.tasks: dict[UUID, dict[str, Any]] = {}
        """tasks_view: each task as ImplementationStarted and TaskProgressed tell it."""
        self.registry = MemoryRegistry([COMMUNITY])
        """The registry's replica: names and settings (none set: the city's defaults)."""

    async def settings_at(self, community_id: str, at: datetime) -> EffectiveSettings:
        return self.registry.effective_at(community_id, at)

    async def community_names(self, codes: Sequence[str]) -> dict[str, CommunityNames]:
        return {code: self.registry.names(code) for code in codes}

    def feed(self, event: c.TopicEvent, time: datetime | None = None) -> Envelope[Any]:
        """An upstream service's event, as the projection would receive it."""
        envelope = Envelope.wrap(event, source="/yishi/upstream", time=time or NOW)
        self.apply(envelope)
        return envelope

    def apply(self, envelope: Envelope[Any]) -> None:
        event = envelope.data
        row = self.rows.setdefault(event.topic_id, {"topic_id": event.topic_id, "community_id": event.community_id})
        status = status_marked_by(event)
        if status is not None:
            self.steps.setdefault(event.topic_id, []).append((envelope.time, status))
        if isinstance(event, c.TopicSubmitted):
            row.update(title=event.title, submitted_at=event.submitted_at)
            if event.receipt_check:
                self.checks.setdefault(event.topic_id, event.receipt_check)
        elif isinstance(event, c.TopicScreened):
            row.update(category=getattr(event.decision, "category", None),
                       exclusion_reason=getattr(event.decision, "reason", None),
                       merged_into=getattr(event.decision, "merged_into", None),
                       exclusion_explanation=getattr(event.decision, "explanation", None),
                       referral=getattr(event.decision, "referral", None),
                       referral_note=getattr(event.decision, "referral_note", None))
        elif isinstance(event, c.ResolutionAdopted):
            self.resolutions[event.topic_id] = event
            row.update(resolution_text=event.text)
        elif isinstance(event, c.DisclosureStarted):
            self.disclosures[event.resolution_id] = {"topic_id": event.topic_id, "published_at": event.published_at,
                                                     "ends_at": event.ends_at, "state": "open"}
            row.update(disclosure_ends_at=event.ends_at)
        elif isinstance(event, c.TopicReturnedToCouncil):
            self.disclosures[event.resolution_id]["state"] = "returned"
        elif isinstance(event, c.ImplementationStarted):
            for disclosure in self.disclosures.values():
                if disclosure["topic_id"] == event.topic_id and disclosure["state"] == "open":
                    disclosure["state"] = "concluded"
            row.update(implementation_round=event.round)
            for t in event.tasks:
                self.tasks.setdefault(t.task_id, {"percent": 0, "completed_at": None}).update(
                    task_id=t.task_id, topic_id=event.topic_id, community_id=event.community_id, round=event.round,
                    description=t.description, responsible_party=t.responsible_party, deadline=t.deadline,
                    round_started_at=event.started_at)
        elif isinstance(event, c.TaskProgressed):
            kept = self.tasks.setdefault(event.task_id, {"percent": 0, "completed_at": None})
            kept.update(percent=max(kept["percent"], event.percent),
                        completed_at=kept["completed_at"] or event.completed_at)

    def _row(self, topic_id: UUID) -> BoardRow:
        return {**self.rows[topic_id], "status": status_of(self.steps.get(topic_id, [])) or Status.submitted}

    async def board_row(self, topic_id: UUID) -> BoardRow | None:
        return self._row(topic_id) if topic_id in self.rows else None

    async def community_board(self, community_id: str) -> list[BoardRow]:
        listed = [self._row(t) for t, row in self.rows.items() if row["community_id"] == community_id and row.get("title")]
        return sorted(listed, key=lambda r: r["submitted_at"], reverse=True)

    async def latest_resolution(self, topic_id: UUID) -> ResolutionAdopted | None:
        return self.resolutions.get(topic_id)

    async def current_disclosure(self, topic_id: UUID) -> UUID | None:
        mine = [(d["published_at"], r) for r, d in self.disclosures.items() if d["topic_id"] == topic_id]
        return max(mine)[1] if mine else None

    async def disclosures_due(self, now: datetime, limit: int = 200) -> list[UUID]:
        due = sorted((d["ends_at"], r) for r, d in self.disclosures.items() if d["state"] == "open" and d["ends_at"] <= now)
        return [r for _, r in due[:limit]]

    async def task_page(self, query: TaskQuery, today: date) -> TaskPage:
        listed = []
        for t in self.tasks.values():
            if "deadline" not in t or not t["community_id"].startswith(query.within):
                continue
            grace = self.registry.effective_at(t["community_id"], t["round_started_at"]).overdue_grace_days.value
            due = t["deadline"] + timedelta(days=int(grace))
            overdue = t["completed_at"] is None and today > due
            listed.append(ListedTask(
                task_id=t["task_id"], topic_id=t["topic_id"], community_id=t["community_id"],
                title=self.rows.get(t["topic_id"], {}).get("title"), round=t["round"], description=t["description"],
                responsible_party=t["responsible_party"], deadline=t["deadline"], percent=t["percent"],
                completed_at=t["completed_at"], overdue=overdue, days_overdue=(today - due).days if overdue else 0))
        if query.overdue is not None:
            listed = [t for t in listed if t.overdue == query.overdue]
        listed.sort(key=lambda t: (-t.days_overdue, t.deadline, t.community_id, str(t.topic_id), t.round, str(t.task_id)))
        return TaskPage(total=len(listed), tasks=listed[query.offset:query.offset + query.limit])

    async def receipt_checks(self, topic_id: UUID) -> list[tuple[UUID, str]]:
        merged = {t for t, row in self.rows.items() if row.get("merged_into") == topic_id}
        return [(t, check) for t, check in self.checks.items() if t == topic_id or t in merged]


def publication() -> FakeService[FakePublicationViews]:
    """Publication in memory, its clock at the factories' NOW."""
    return FakeService(FakePublicationViews(), service="publication", codec=CODEC, clock=FixedClock(NOW))
