"""Random but lawful event histories for the ledger's tests, and the naive recount of the
ledger's figures straight from such events (no fact rows, no SQL: a topic's events are read
in time order and each figure is counted as services/publication/ledger/figures.py defines it)."""

import math
import random
import statistics
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import yishi_contracts as c
from yishi_contracts import Category, Channel, EscalationKind, ExclusionReason, TopicSource
from yishi_contracts.settings import Scheduled, Settings, effective_settings, lineage, own_as_of

from services.kit.refusal import CHINA_TIME

COMMUNITIES = ("330102001051", "330102001052", "330102002001", "330105001001")
START = datetime(2026, 1, 1, tzinfo=UTC)
TEXT = "经议事会研究讨论决定如下"


def history(rng: random.Random, topics: int = 12, communities: tuple[str, ...] = COMMUNITIES) -> list[c.Event]:
    """Events of ``topics`` topics through the six steps, with China-time edges among the times, and
    the overdue graces their divisions set over the time."""
    events: list[c.Event] = list(_settings(rng, communities))
    for _ in range(topics):
        events += _topic(rng, rng.choice(communities))
    return events


def _settings(rng: random.Random, communities: tuple[str, ...]) -> list[c.CommunitySettingsChanged]:
    """Overdue graces (逾期宽限) set, changed and given back (null: inherit) at every level over the
    year; the times are distinct per division, so the recorded order never decides a tie."""
    out = []
    for level, code in sorted({link for community in communities for link in lineage(community)}, key=lambda x: x[1]):
        for _ in range(rng.randrange(0, 4)):
            effective = START + timedelta(days=rng.randrange(0, 430), seconds=rng.randrange(86400),
                                          microseconds=rng.randrange(10**6))
            out.append(c.CommunitySettingsChanged(
                community_id=code, code=code, level=level, effective_from=effective, changed_by="ledger-test",
                overdue_grace_days=rng.choice((None, 0, 1, 2, 3, 5, 10))))
    return out


def grace_at(events: list[Any], community: str, at: datetime) -> int:
    """The grace in effect for what starts at ``at``, by the contracts' rule over the changes in list order."""
    chain = {code for _, code in lineage(community)}
    history: dict[str, list[Scheduled]] = defaultdict(list)
    for e in events:
        if isinstance(e, c.CommunitySettingsChanged) and e.code in chain:
            history[e.code].append(Scheduled(e.effective_from, Settings.of(e)))
    own = {code: own_as_of(changes, at) for code, changes in history.items()}
    return int(effective_settings(community, own).overdue_grace_days.value)


def _topic(rng: random.Random, community: str) -> list[c.Event]:
    tid, council = uuid4(), uuid4()
    common = {"topic_id": tid, "community_id": community}
    edges = [datetime(2026, 12, 31, 16, 30, tzinfo=UTC), datetime(2026, 3, 31, 15, 59, tzinfo=UTC),
             datetime(2026, 6, 30, 16, 0, tzinfo=UTC)]
    at = rng.choice(edges) if rng.random() < 0.2 else START + timedelta(minutes=rng.randrange(0, 400 * 24 * 60))

    def later() -> datetime:
        nonlocal at
        at = at + timedelta(minutes=rng.randrange(1, 40 * 24 * 60))
        return at

    out: list[c.Event] = [c.TopicSubmitted(**common, title="环卫工人无处歇脚", description="中山街环卫工人没有休息的地方。",
                                           source=rng.choice(list(TopicSource)), channel=rng.choice(list(Channel)),
                                           submitted_by="resident", submitted_at=at)]

    def screen(decision: Any) -> None:
        out.append(c.TopicScreened(**common, council_id=council, decision=decision, screened_by="chair",
                                   screened_at=later()))

    while rng.random() < 0.25:
        screen(c.Returned(details_requested="请补充具体位置"))
    fate = rng.random()
    if fate < 0.15:
        screen(c.Rejected(reason=rng.choice(list(ExclusionReason)), explanation="不属于协商范围"))
        return out
    if fate < 0.22:
        screen(c.Merged(merged_into=uuid4()))
        return out
    if fate < 0.3:
        return out
    screen(c.Accepted(category=rng.choice(list(Category))))
    round_ = 0
    for _ in range(4):
        if rng.random() < 0.1:
            return out
        out.append(c.ResearchCompleted(**common, council_id=council, researchers=["m1"],
                                       site_visits=[c.SiteVisit(visited_on=date(2026, 1, 5), place="现场", notes="看过")],
                                       findings="可以改造闲置用房", feasibility="feasible", consultation_plan="改造闲置用房",
                                       completed_at=later()))
        meeting = uuid4()
        decision = rng.random()
        if decision < 0.2:
            out.append(c.TopicDeferred(**common, meeting_id=meeting, reason="需要进一步调研", deferred_at=later()))
            continue
        if decision < 0.3:
            out.append(c.TopicDropped(**common, meeting_id=meeting, reason="条件不具备不再协商", dropped_at=later()))
            return out
        total = rng.randrange(7, 10)
        resolution = uuid4()
        out.append(c.ResolutionAdopted(
            **common, meeting_id=meeting, resolution_id=resolution, text=TEXT, method="consensus",
            measures=[c.Measure(description="改造", responsible_party="社区", deadline=date(2026, 6, 1))],
            attendance=c.Attendance(fixed_members_total=total, fixed_members_present=rng.randrange(5, total + 1),
                                    invitees_present=rng.randrange(0, 4)),
            adopted_at=later()))
        out.append(c.DisclosureStarted(**common, resolution_id=resolution, published_at=later(),
                                       ends_at=at + timedelta(days=7)))
        upheld = rng.random() < 0.15
        for _ in range(rng.randrange(0, 3) + int(upheld)):
            objection = uuid4()
            out.append(c.ObjectionRaised(**common, objection_id=objection, raised_at=later()))
            if rng.random() < 0.8:
                out.append(c.ObjectionAssessed(**common, objection_id=objection, substantive=False, assessed_at=later()))
        if upheld:
            objection = uuid4()
            out.append(c.ObjectionRaised(**common, objection_id=objection, raised_at=later()))
            out.append(c.ObjectionAssessed(**common, objection_id=objection, substantive=True, assessed_at=later()))
            out.append(c.TopicReturnedToCouncil(**common, resolution_id=resolution, objection="位置不合适",
                                                assessment="异议成立", returned_at=later()))
            continue
        while round_ < 3:
            round_ += 1
            started = later()
            deadline = (started + timedelta(days=rng.randrange(1, 60))).astimezone(CHINA_TIME).date()
            out.append(c.ImplementationStarted(**common, round=round_, started_at=started, tasks=[
                c.ImplementationTask(task_id=uuid4(), description="改造", responsible_party="社区", deadline=deadline)]))
            if rng.random() < 0.25:
                break
            done = later()
            out.append(c.ImplementationCompleted(**common, round=round_, completed_at=done,
                                                 on_time=done.astimezone(CHINA_TIME).date() <= deadline))
            ratings = c.Ratings(satisfied=rng.randrange(0, 5), basically_satisfied=rng.randrange(0, 5),
                                dissatisfied=rng.randrange(0, 5))
            if rng.random() < 0.7:
                out.append(c.TopicClosed(**common, round=round_, ratings=ratings, closed_at=later()))
                break
            out.append(c.ImplementationReopened(**common, round=round_ + 1, reason="居民不满意", ratings=ratings,
                                                reopened_at=later()))
        break
    if rng.random() < 0.2:
        out.append(c.MatterEscalated(**common, escalation_id=uuid4(), kind=rng.choice(list(EscalationKind)),
                                     ground="beyond_authority", summary="超出社区职能需上级解决", escalated_at=later()))
    return out


def _time(event: Any) -> datetime:
    for name in ("submitted_at", "screened_at", "completed_at", "adopted_at", "deferred_at", "dropped_at",
                 "published_at", "raised_at", "assessed_at", "returned_at", "started_at", "closed_at", "reopened_at", "escalated_at"):
        if hasattr(event, name):
            return getattr(event, name)
    raise AssertionError(type(event))


def _days(since: datetime, until: datetime) -> int:
    """Whole days between two times, floored (the ledger's medians are of whole days)."""
    return math.floor((until - since).total_seconds() / 86400)


def recount(events: list[Any], prefix: str, start: datetime, end: datetime, as_of: datetime) -> dict[str, Any]:
    """The ledger's counted figures of the communities under ``prefix`` for [start, end)."""
    def inside(at: datetime | None) -> bool:
        return at is not None and start <= at < end

    by_topic: dict[UUID, list[Any]] = defaultdict(list)
    meetings: dict[UUID, list[Any]] = defaultdict(list)
    for e in events:
        if isinstance(e, c.TopicEvent) and e.community_id.startswith(prefix):
            by_topic[e.topic_id].append(e)
            if isinstance(e, (c.ResolutionAdopted, c.TopicDeferred, c.TopicDropped)):
                meetings[e.meeting_id].append(e)
    n: dict[str, Any] = defaultdict(int)
    days: dict[str, list[float]] = defaultdict(list)
    for topic_events in by_topic.values():
        topic_events.sort(key=_time)
        last: dict[str, Any] = {}
        for e in topic_events:  # the latest event of each kind (for research and starts: the first)
            kind = type(e).__name__
            if isinstance(e, c.TopicScreened):
                kind = e.decision.outcome
            if isinstance(e, c.ImplementationStarted):
                last["ImplementationStarted_latest"] = e
            if kind in ("ResearchCompleted", "ImplementationStarted") and kind in last:
                continue
            last[kind] = e
            if isinstance(e, (c.TopicClosed, c.ImplementationReopened)):
                last["judged"] = e
        sub = last.get("TopicSubmitted")
        if sub and inside(sub.submitted_at):
            n["received"] += 1
            n[f"received_{sub.source.value}"] += 1
            n[f"received_{sub.channel.value}"] += 1
        for outcome in ("accepted", "rejected", "merged", "returned"):
            s = last.get(outcome)
            if s and inside(s.screened_at):
                n[outcome] += 1
                if outcome == "accepted":
                    n[f"accepted_{s.decision.category.value}"] += 1
                if outcome == "rejected":
                    n[f"rejected_{s.decision.reason.value}"] += 1
        decisive = [last[o].screened_at for o in ("accepted", "rejected", "merged") if o in last]
        if decisive and inside(max(decisive)) and sub:
            days["median_days_to_screening"].append(_days(sub.submitted_at, max(decisive)))
        decided = [e for k, e in last.items() if k in ("ResolutionAdopted", "TopicDeferred", "TopicDropped")]
        decision_at = max((_time(e) for e in decided), default=None)
        for kind, key in (("ResolutionAdopted", "adopted"), ("TopicDeferred", "deferred"), ("TopicDropped", "dropped"),
                          ("DisclosureStarted", "disclosed"), ("TopicReturnedToCouncil", "objections_upheld"),
                          ("ImplementationStarted", "implementations_started"),
                          ("ImplementationCompleted", "implementations_completed"), ("TopicClosed", "closed"),
                          ("MatterEscalated", "escalated")):
            if kind in last and inside(_time(last[kind])):
                n[key] += 1
        if inside(decision_at):
            n["decided_at_meeting"] += 1
            research = last.get("ResearchCompleted")
            if research and research.completed_at <= decision_at:
                n["researched_before_meeting"] += 1
            if sub:
                days["median_days_to_meeting"].append(_days(sub.submitted_at, decision_at))
        done = last.get("ImplementationCompleted")
        if done and inside(done.completed_at):
            n["completed_on_time"] += int(done.on_time)
            if sub:
                days["median_days_to_completion"].append(_days(sub.submitted_at, done.completed_at))
        first_start, current = last.get("ImplementationStarted"), last.get("ImplementationStarted_latest")
        if first_start and first_start.started_at < as_of:
            grace = grace_at(events, current.community_id, current.started_at)
            passed = datetime.combine(max(t.deadline for t in current.tasks) + timedelta(days=1 + grace),
                                      datetime.min.time(), CHINA_TIME)
            finished = done is not None and done.round >= current.round and done.completed_at <= as_of
            n["implementations_overdue"] += int(passed <= as_of and not finished)
        judged = last.get("judged")
        if judged and inside(_time(judged)):
            for key in ("satisfied", "basically_satisfied", "dissatisfied"):
                n[key] += getattr(judged.ratings, key)
        escalated = last.get("MatterEscalated")
        if escalated and inside(escalated.escalated_at):
            n[f"escalated_{escalated.kind.value}"] += 1
    for e in events:  # one objection is raised once and assessed once
        if isinstance(e, c.ObjectionRaised) and e.community_id.startswith(prefix) and inside(e.raised_at):
            n["objections_raised"] += 1
        if isinstance(e, c.ObjectionAssessed) and e.community_id.startswith(prefix) and inside(e.assessed_at):
            n["objections_substantive" if e.substantive else "objections_dismissed"] += 1
    for decisions in meetings.values():
        held = max(_time(e) for e in decisions)
        if inside(held):
            n["meetings_held"] += 1
            adopted = [e.attendance for e in decisions if isinstance(e, c.ResolutionAdopted)]
            if adopted:
                n["fixed_members_expected"] += max(a.fixed_members_total for a in adopted)
                n["fixed_members_present"] += max(a.fixed_members_present for a in adopted)
                n["invitees_present"] += max(a.invitees_present for a in adopted)
    out = dict(n)
    for key, values in days.items():
        out[key] = round(statistics.median(values), 1) if values else None
    return out
