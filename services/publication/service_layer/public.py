"""The public contract events derived from the domain's private ones: what the other
services and outside subscribers learn of a disclosure, an implementation, an escalation."""

from collections import Counter

import yishi_contracts as c
from yishi_contracts import Satisfaction

from .. import domain as d


def disclosure_started(published: d.ResolutionPublished) -> c.DisclosureStarted:
    return c.DisclosureStarted(
        topic_id=published.topic_id, community_id=published.community_id, resolution_id=published.resolution_id,
        published_at=published.published_at, ends_at=published.ends_at,
    )


def objection_raised(disclosure: d.Disclosure, raised: d.ObjectionRaised) -> c.ObjectionRaised:
    return c.ObjectionRaised(topic_id=raised.topic_id, community_id=disclosure.community_id,
                             objection_id=raised.objection_id, raised_at=raised.raised_at)


def objection_assessed(disclosure: d.Disclosure, assessed: d.ObjectionAssessed) -> c.ObjectionAssessed:
    return c.ObjectionAssessed(topic_id=assessed.topic_id, community_id=disclosure.community_id,
                               objection_id=assessed.objection_id, substantive=assessed.substantive,
                               assessed_at=assessed.assessed_at)


def returned_to_council(disclosure: d.Disclosure, assessed: d.ObjectionAssessed,
                        returned: d.DisclosureReturnedToCouncil) -> c.TopicReturnedToCouncil:
    objection = next(o for o in disclosure.objections if o.objection_id == assessed.objection_id)
    return c.TopicReturnedToCouncil(
        topic_id=disclosure.topic_id, community_id=disclosure.community_id, resolution_id=disclosure.resolution_id,
        objection=objection.text, assessment=assessed.reason, returned_at=returned.returned_at,
    )


def task(spec: d.TaskSpec) -> c.ImplementationTask:
    return c.ImplementationTask(task_id=spec.task_id, description=spec.description,
                                responsible_party=spec.responsible_party, deadline=spec.deadline)


def implementation_started(assigned: d.TasksAssigned) -> c.ImplementationStarted:
    return c.ImplementationStarted(topic_id=assigned.topic_id, community_id=assigned.community_id, round=1,
                                   started_at=assigned.started_at, tasks=[task(spec) for spec in assigned.tasks])


def task_progressed(impl: d.Implementation, event: d.ProgressReported | d.TaskCompleted) -> c.TaskProgressed:
    """What the board's lists may know of a progress report or a completion: the percentage, never the words."""
    task = next(t for t in impl.tasks if t.spec.task_id == event.task_id)
    done = isinstance(event, d.TaskCompleted)
    return c.TaskProgressed(
        topic_id=impl.topic_id, community_id=impl.community_id, task_id=event.task_id, round=task.round,
        percent=100 if done else event.percent, completed_at=event.completed_at if done else None,
        reported_at=event.completed_at if done else event.reported_at,
    )


def ratings_of(impl: d.Implementation) -> c.Ratings:
    counts = Counter(r.rating for r in impl.ratings)
    return c.Ratings(**{s.value: counts.get(s, 0) for s in Satisfaction})


def on_time(impl: d.Implementation) -> bool:
    return all(t.completed_at is not None and d.local_day(t.completed_at) <= t.spec.deadline for t in impl.current_tasks())


def implementation_completed(after: d.Implementation, done: d.RoundCompleted) -> c.ImplementationCompleted:
    return c.ImplementationCompleted(topic_id=after.topic_id, community_id=after.community_id, round=done.round,
                                     on_time=on_time(after), completed_at=done.completed_at)


def rated(impl: d.Implementation, rating: d.ResidentRated) -> c.SatisfactionRated:
    return c.SatisfactionRated(topic_id=impl.topic_id, community_id=impl.community_id, round=rating.round,
                               rating=rating.rating, rated_at=rating.rated_at)


def topic_closed(impl: d.Implementation, closed: d.ImplementationClosed) -> c.TopicClosed:
    return c.TopicClosed(topic_id=impl.topic_id, community_id=impl.community_id, round=closed.round,
                         ratings=ratings_of(impl), closed_at=closed.closed_at)


def reopened(impl: d.Implementation, again: d.RoundReopened) -> list[object]:
    """Residents were not satisfied: ImplementationReopened, then ImplementationStarted of the new round."""
    return [
        c.ImplementationReopened(topic_id=impl.topic_id, community_id=impl.community_id, round=again.round,
                                 reason=again.reason, ratings=ratings_of(impl), reopened_at=again.reopened_at),
        c.ImplementationStarted(topic_id=impl.topic_id, community_id=impl.community_id, round=again.round,
                                tasks=[task(s) for s in again.tasks], started_at=again.reopened_at),
    ]


def escalated(filed: d.EscalationFiled) -> c.MatterEscalated:
    return c.MatterEscalated(
        topic_id=filed.topic_id, community_id=filed.community_id, escalation_id=filed.escalation_id, kind=filed.kind,
        ground=filed.ground, summary=filed.summary, addressee=filed.addressee, escalated_at=filed.escalated_at,
    )
