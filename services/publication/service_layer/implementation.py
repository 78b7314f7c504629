"""Use cases of implementation (组织落实): progress, completion, residents' ratings, closing, reopening.

One stream per topic (``implementation:<topic_id>``). Each command stores the domain's
private events and, where the outside world should know, the public event derived from them.
"""

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from yishi_contracts import Envelope, Measure

from services.kit.auth import Actor, Role
from services.kit.commands import Change, Context
from services.kit.ports import Service

from .. import domain as d
from . import public
from .config import PublicationConfig, implementation_stream
from .ports import PublicationViews

WORKERS = (Role.staff,)
CLOSERS = (Role.staff, Role.council_chair)

DecideImplementation = Callable[[d.Implementation, Context[PublicationViews]], Sequence[object]]


def change(topic_id: UUID, decide: DecideImplementation,
           roles: tuple[Role, ...] = ()) -> Change[d.Implementation, PublicationViews]:
    """A change to the topic's implementation; a topic whose implementation has not started is not found."""
    return Change(
        implementation_stream(topic_id), d.Implementation.fold, decide,
        missing=d.not_found("该议题的落实情况", "implementation of this topic"),
        community=lambda impl: impl.community_id, roles=roles,
    )


def _roles(actor: Actor) -> tuple[str, ...]:
    return tuple(sorted(r.value for r in actor.roles))


async def report_progress(service: Service[PublicationViews], actor: Actor, topic_id: UUID, task_id: UUID,
                          text: str, percent: int) -> d.ProgressReported:
    def decide(impl: d.Implementation, ctx: Context[PublicationViews]) -> list[object]:
        reported = impl.report_progress(task_id, text, percent, now=ctx.now, by=actor.id, roles=_roles(actor))
        return [reported, public.task_progressed(impl, reported)]

    executed = await service.commands.execute(change(topic_id, decide, WORKERS), actor)
    reported = executed.events[0]
    assert isinstance(reported, d.ProgressReported)
    return reported


async def complete_task(service: Service[PublicationViews], actor: Actor, topic_id: UUID,
                        task_id: UUID) -> list[Envelope[Any]]:
    """A task is done; the round's last task completes the implementation (ImplementationCompleted)."""

    def decide(impl: d.Implementation, ctx: Context[PublicationViews]) -> list[object]:
        decided = impl.complete_task(task_id, now=ctx.now, by=actor.id, roles=_roles(actor))
        completed = next(e for e in decided if isinstance(e, d.TaskCompleted))
        done = next((e for e in decided if isinstance(e, d.RoundCompleted)), None)
        progressed = public.task_progressed(impl, completed)
        if done is None:
            return [*decided, progressed]
        after = impl
        for event in decided:
            after = after.apply(event)
        return [*decided, progressed, public.implementation_completed(after, done)]

    return (await service.commands.execute(change(topic_id, decide, WORKERS), actor)).envelopes


async def rate(service: Service[PublicationViews], config: PublicationConfig, topic_id: UUID, rating: str,
               receipt_code: str) -> d.ResidentRated:
    """A resident rates the result with their receipt code, once per code and round; only a keyed
    hash of the code is kept. A wrong code is refused (422) before the round's state is."""

    async def decide(impl: d.Implementation, ctx: Context[PublicationViews]) -> list[object]:
        code = d.proven_code(await ctx.views.receipt_checks(topic_id), receipt_code, secret=config.receipt_secret)
        rated = impl.rate(config.resident_key(code), rating, now=ctx.now)
        return [rated, public.rated(impl, rated)]

    executed = await service.commands.execute(change(topic_id, decide))
    rated = executed.events[0]
    assert isinstance(rated, d.ResidentRated)
    return rated


async def close(service: Service[PublicationViews], config: PublicationConfig, actor: Actor,
                topic_id: UUID) -> list[Envelope[Any]]:
    def decide(impl: d.Implementation, ctx: Context[PublicationViews]) -> list[object]:
        closed = impl.close(now=ctx.now, rule=config.closing)
        return [closed, public.topic_closed(impl, closed)]

    return (await service.commands.execute(change(topic_id, decide, CLOSERS), actor)).envelopes


async def reopen(service: Service[PublicationViews], config: PublicationConfig, actor: Actor, topic_id: UUID,
                 reason: str, measures: Sequence[Measure]) -> list[Envelope[Any]]:
    """Residents are not satisfied: ImplementationReopened, then ImplementationStarted of round n+1."""

    def decide(impl: d.Implementation, ctx: Context[PublicationViews]) -> list[object]:
        again = impl.reopen(measures, reason, now=ctx.now, rule=config.closing)
        return [again, *public.reopened(impl, again)]

    return (await service.commands.execute(change(topic_id, decide, CLOSERS), actor)).envelopes
