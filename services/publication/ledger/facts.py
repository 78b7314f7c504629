"""What each public event tells the ledger: column values of a topic's, a meeting's or a
division's fact row, and how a value meets the one already kept.

Events come from four Kafka topics in no guaranteed order, so every column has a rule that
makes the row the same whatever the arrival order: ``latest`` keeps the greatest value (a
step's latest time, the latest round), ``first`` the least (the first research, the first
implementation start), ``inserted`` the first written, ``set`` the last written (values that
only one event carries), and ``with <column>`` follows that column: it is replaced only when
the new value there is at least the kept one (the category of the latest acceptance, the
deadline of the latest round).
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import yishi_contracts as c

LATEST, FIRST, INSERTED, SET = "latest", "first", "inserted", "set"


def WITH(column: str) -> str:
    return f"with {column}"


TOPIC_RULES: Mapping[str, str] = {
    "topic_id": INSERTED, "community_id": INSERTED, "source": SET, "channel": SET, "submitted_at": LATEST,
    "screened_at": LATEST, "accepted_at": LATEST, "rejected_at": LATEST, "merged_at": LATEST, "returned_at": LATEST,
    "category": WITH("accepted_at"), "exclusion_reason": WITH("rejected_at"),
    "researched_at": FIRST, "adopted_at": LATEST, "deferred_at": LATEST, "dropped_at": LATEST,
    "disclosed_at": LATEST, "objection_upheld_at": LATEST,
    "implementation_started_at": FIRST, "implementation_round": LATEST,
    "implementation_deadline": WITH("implementation_round"), "round_started_at": WITH("implementation_round"),
    "completed_at": LATEST, "completed_round": LATEST, "completed_on_time": WITH("completed_round"),
    "rated_at": LATEST, "satisfied": WITH("rated_at"), "basically_satisfied": WITH("rated_at"),
    "dissatisfied": WITH("rated_at"), "closed_at": LATEST, "escalated_at": LATEST,
    "escalation_kind": WITH("escalated_at"),
}
MEETING_RULES: Mapping[str, str] = {
    "meeting_id": INSERTED, "community_id": INSERTED, "held_at": LATEST,
    "fixed_members_total": LATEST, "fixed_members_present": LATEST, "invitees_present": LATEST,
}
DIVISION_RULES: Mapping[str, str] = {
    "code": INSERTED, "level": SET, "parent_code": SET, "named_at": LATEST, "name": WITH("named_at"),
}
OBJECTION_RULES: Mapping[str, str] = {
    "objection_id": INSERTED, "community_id": INSERTED, "topic_id": INSERTED, "raised_at": LATEST,
    "assessed_at": LATEST, "substantive": WITH("assessed_at"),
}
TABLES: Mapping[str, tuple[str, Mapping[str, str]]] = {
    "ledger_topics": ("topic_id", TOPIC_RULES),
    "ledger_meetings": ("meeting_id", MEETING_RULES),
    "ledger_divisions": ("code", DIVISION_RULES),
    "ledger_objections": ("objection_id", OBJECTION_RULES),
}


@dataclass(frozen=True)
class Fact:
    """Some columns of one fact row, as one event tells them."""

    table: str
    values: Mapping[str, Any]

    @property
    def key(self) -> Any:
        return self.values[TABLES[self.table][0]]


def _topic(event: c.TopicEvent, **values: Any) -> Fact:
    return Fact("ledger_topics", {"topic_id": event.topic_id, "community_id": event.community_id, **values})


def _meeting(meeting_id: UUID, community_id: str, **values: Any) -> Fact:
    return Fact("ledger_meetings", {"meeting_id": meeting_id, "community_id": community_id, **values})


def _objection(event: c.ObjectionRaised | c.ObjectionAssessed, **values: Any) -> Fact:
    return Fact("ledger_objections", {"objection_id": event.objection_id, "community_id": event.community_id,
                                      "topic_id": event.topic_id, **values})


def _screened(s: c.TopicScreened) -> Fact:
    d = s.decision
    step = {"accepted": {"accepted_at": s.screened_at, "category": getattr(d, "category", None)},
            "rejected": {"rejected_at": s.screened_at, "exclusion_reason": getattr(d, "reason", None)},
            "merged": {"merged_at": s.screened_at}, "returned": {"returned_at": s.screened_at}}[d.outcome]
    return _topic(s, screened_at=s.screened_at, **{k: getattr(v, "value", v) for k, v in step.items()})


def _last_deadline(tasks: Iterable[c.ImplementationTask]) -> date:
    return max(t.deadline for t in tasks)


def facts_of(event: object) -> list[Fact]:
    """The ledger's facts from one public event (none from an event the ledger does not count)."""
    match event:
        case c.TopicSubmitted():
            return [_topic(event, source=event.source.value, channel=event.channel.value, submitted_at=event.submitted_at)]
        case c.TopicScreened():
            return [_screened(event)]
        case c.ResearchCompleted():
            return [_topic(event, researched_at=event.completed_at)]
        case c.ResolutionAdopted():
            a = event.attendance
            return [_topic(event, adopted_at=event.adopted_at),
                    _meeting(event.meeting_id, event.community_id, held_at=event.adopted_at,
                             fixed_members_total=a.fixed_members_total, fixed_members_present=a.fixed_members_present,
                             invitees_present=a.invitees_present)]
        case c.TopicDeferred():
            return [_topic(event, deferred_at=event.deferred_at),
                    _meeting(event.meeting_id, event.community_id, held_at=event.deferred_at)]
        case c.TopicDropped():
            return [_topic(event, dropped_at=event.dropped_at),
                    _meeting(event.meeting_id, event.community_id, held_at=event.dropped_at)]
        case c.DisclosureStarted():
            return [_topic(event, disclosed_at=event.published_at)]
        case c.ObjectionRaised():
            return [_objection(event, raised_at=event.raised_at)]
        case c.ObjectionAssessed():
            return [_objection(event, assessed_at=event.assessed_at, substantive=event.substantive)]
        case c.TopicReturnedToCouncil():
            return [_topic(event, objection_upheld_at=event.returned_at)]
        case c.ImplementationStarted():
            return [_topic(event, implementation_started_at=event.started_at, implementation_round=event.round,
                           implementation_deadline=_last_deadline(event.tasks), round_started_at=event.started_at)]
        case c.ImplementationCompleted():
            return [_topic(event, completed_at=event.completed_at, completed_round=event.round,
                           completed_on_time=event.on_time)]
        case c.TopicClosed() | c.ImplementationReopened():
            at = event.closed_at if isinstance(event, c.TopicClosed) else event.reopened_at
            r = event.ratings
            closed = {"closed_at": at} if isinstance(event, c.TopicClosed) else {}
            return [_topic(event, rated_at=at, satisfied=r.satisfied, basically_satisfied=r.basically_satisfied,
                           dissatisfied=r.dissatisfied, **closed)]
        case c.MatterEscalated():
            return [_topic(event, escalated_at=event.escalated_at, escalation_kind=event.kind.value)]
        case c.DivisionRegistered():
            return [Fact("ledger_divisions", {"code": event.code, "level": event.level.value, "name": event.name,
                                              "parent_code": event.parent_code, "named_at": event.registered_at})]
        case c.DivisionRenamed():
            return [Fact("ledger_divisions", {"code": event.code, "name": event.name, "named_at": event.renamed_at})]
    return []


LEDGER_EVENTS: tuple[type[c.Event], ...] = (
    c.TopicSubmitted, c.TopicScreened, c.ResearchCompleted, c.ResolutionAdopted, c.TopicDeferred, c.TopicDropped,
    c.DisclosureStarted, c.ObjectionRaised, c.ObjectionAssessed, c.TopicReturnedToCouncil, c.ImplementationStarted, c.ImplementationCompleted,
    c.TopicClosed, c.ImplementationReopened, c.MatterEscalated, c.DivisionRegistered, c.DivisionRenamed,
)


def meet(kept: Mapping[str, Any], new: Mapping[str, Any], rules: Mapping[str, str]) -> dict[str, Any]:
    """The row after ``new``'s columns meet the ``kept`` row, as the adapter's upsert leaves it."""
    row = dict(kept)
    for column, value in new.items():
        rule, old = rules[column], kept.get(column)
        if rule == INSERTED and column in kept:
            continue
        if rule in (LATEST, FIRST) and value is not None and old is not None:
            value = max(old, value) if rule == LATEST else min(old, value)
        elif rule in (LATEST, FIRST) and value is None:
            value = old
        elif rule.startswith("with "):
            pair = rule.removeprefix("with ")
            if kept.get(pair) is not None and (new.get(pair) is None or new[pair] < kept[pair]):
                value = old
        row[column] = value
    return row


def fold(facts: Iterable[Fact]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Facts merged into one row per table and key, in the order given."""
    rows: dict[tuple[str, Any], dict[str, Any]] = {}
    for fact in facts:
        k = (fact.table, fact.key)
        rows[k] = meet(rows.get(k, {}), fact.values, TABLES[fact.table][1])
    for (table, _), row in rows.items():
        yield table, row
