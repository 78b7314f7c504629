"""Use cases of implementation (组织落实): progress, completion, residents' ratings, closing, reopening.

One stream per topic (``implementation:<topic_id>``). Each command stores the domain's
private events and, where the outside world should know, the public event derived from them.
"""

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

import yishi_contracts as c
from yishi_contracts import Envelope, Measure

from services.kit.auth import Actor

from .. import domain as d
from .common import PublicationConfig, implementation_stream, load_private, not_found, refusal
from .disclosures import public_task


def ratings_of(impl: d.Implementation) -> c.Ratings:
    counts = Counter(r.rating.value for r in impl.ratings)
    return c.Ratings(**{s.value: counts.get(s.value, 0) for s in d.Satisfaction})


def on_time(impl: d.Implementation) -> bool:
    return all(t.completed_at is not None and d.local_day(t.completed_at) <= t.spec.deadline for t in impl.current_tasks())


async def _run(runtime: Any, topic_id: UUID, actor: Actor | None,
               decide: Callable[[d.Implementation], list[object]]) -> tuple[d.Implementation, list[Envelope[Any]], list[object]]:
    """Load the topic's implementation, check the actor's community, decide, record; refusals become HTTP errors."""
    async with runtime.pool.acquire() as conn, conn.transaction():
        events, version = await load_private(runtime, conn, implementation_stream(topic_id))
        if not events:
            raise not_found("该议题的落实情况", "implementation of this topic")
        impl = d.Implementation.replay(events)
        if actor is not None:
            actor.ensure_community(impl.community_id)
        try:
            new = decide(impl)
        except d.PublicationRefused as exc:
            raise refusal(exc) from None
        envelopes = await runtime.record(conn, stream_id=implementation_stream(topic_id), expected_version=version,
                                         events=new, community_id=impl.community_id)
        return impl, envelopes, new


async def report_progress(runtime: Any, actor: Actor, topic_id: UUID, task_id: UUID, text: str, percent: int) -> d.ProgressReported:
    _, _, new = await _run(runtime, topic_id, actor, lambda impl: [
        impl.report_progress(task_id, text, percent, now=runtime.clock.now())
    ])
    return new[0]


async def complete_task(runtime: Any, actor: Actor, topic_id: UUID, task_id: UUID) -> list[Envelope[Any]]:
    """A task is done; the round's last task completes the implementation (ImplementationCompleted)."""

    def decide(impl: d.Implementation) -> list[object]:
        events: list[object] = list(impl.complete_task(task_id, now=runtime.clock.now()))
        done = next((e for e in events if isinstance(e, d.ImplementationCompleted)), None)
        if done is not None:
            after = impl
            for event in events:
                after = after.apply(event)
            events.append(c.ImplementationCompleted(topic_id=topic_id, community_id=impl.community_id, round=done.round,
                                                    on_time=on_time(after), completed_at=done.completed_at))
        return events

    _, envelopes, _ = await _run(runtime, topic_id, actor, decide)
    return envelopes


async def rate(runtime: Any, config: PublicationConfig, topic_id: UUID, rating: str, phone: str) -> d.SatisfactionRated:
    """A resident rates the result once per round; only a salted hash of the phone is kept."""

    def decide(impl: d.Implementation) -> list[object]:
        rated = impl.rate(config.resident_key(phone), rating, now=runtime.clock.now())
        return [rated, c.SatisfactionRated(topic_id=topic_id, community_id=impl.community_id, round=rated.round,
                                           rating=rated.rating.value, rated_at=rated.rated_at)]

    _, _, new = await _run(runtime, topic_id, None, decide)
    return new[0]


async def close(runtime: Any, config: PublicationConfig, actor: Actor, topic_id: UUID) -> list[Envelope[Any]]:
    def decide(impl: d.Implementation) -> list[object]:
        closed = impl.close(now=runtime.clock.now(), rule=config.closing)
        return [closed, c.TopicClosed(topic_id=topic_id, community_id=impl.community_id, round=closed.round,
                                      ratings=ratings_of(impl), closed_at=closed.closed_at)]

    _, envelopes, _ = await _run(runtime, topic_id, actor, decide)
    return envelopes


async def reopen(runtime: Any, config: PublicationConfig, actor: Actor, topic_id: UUID, reason: str,
                 measures: Sequence[Measure]) -> list[Envelope[Any]]:
    """Residents are not satisfied: ImplementationReopened, then ImplementationStarted of round n+1."""

    def decide(impl: d.Implementation) -> list[object]:
        now = runtime.clock.now()
        reopened = impl.reopen(measures, reason, now=now, rule=config.closing)
        return [
            reopened,
            c.ImplementationReopened(topic_id=topic_id, community_id=impl.community_id, round=reopened.round,
                                     reason=reopened.reason, ratings=ratings_of(impl), reopened_at=now),
            c.ImplementationStarted(topic_id=topic_id, community_id=impl.community_id, round=reopened.round,
                                    tasks=[public_task(s) for s in reopened.tasks], started_at=now),
        ]

    _, envelopes, _ = await _run(runtime, topic_id, actor, decide)
    return envelopes


async def implementation_of(runtime: Any, conn: Any, topic_id: UUID) -> d.Implementation | None:
    events, _ = await load_private(runtime, conn, implementation_stream(topic_id))
    return d.Implementation.replay(events) if events else None
