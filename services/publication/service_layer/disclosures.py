"""Use cases of disclosure (公开公示): publish a resolution, objections and their assessment.

A disclosure is one stream per resolution (``disclosure:<resolution_id>``), so a topic sent
back to the council and resolved again gets a fresh disclosure. Residents and staff name the
topic; the topic's current disclosure is looked up in the same transaction.
"""

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any
from uuid import UUID

import yishi_contracts as c
from yishi_contracts import Envelope

from services.kit.auth import Actor, Role
from services.kit.commands import Change, Context, Executed
from services.kit.ports import Service
from services.kit.unit_of_work import UnitOfWork

from .. import domain as d
from . import public
from .config import PublicationConfig, disclosure_stream
from .ports import PublicationViews

ASSESSORS = (Role.staff, Role.council_chair)

DecideDisclosure = Callable[[d.Disclosure, Context[PublicationViews]], Sequence[object]]


def no_disclosure() -> d.PublicationRefused:
    return d.not_found("该议题的公示", "disclosure of this topic")


async def start_disclosure(service: Service[PublicationViews], uow: UnitOfWork[PublicationViews],
                           envelope: Envelope[c.ResolutionAdopted], config: PublicationConfig) -> None:
    """Reaction to ResolutionAdopted: the resolution goes on the board for the disclosure period
    (公示期) the community's settings give at the time it is published."""
    resolution = envelope.data

    async def decide(disclosure: d.Disclosure | None, ctx: Context[PublicationViews]) -> list[object]:
        if disclosure is not None:
            return []  # already published (the same resolution delivered under another event id)
        # A resolution stamped a little ahead of this service's clock is published at its adoption time.
        at = max(ctx.now, resolution.adopted_at)
        settings = await ctx.views.settings_at(resolution.community_id, at)
        policy = d.DisclosurePolicy(timedelta(days=int(settings.disclosure_days.value)))
        published = d.publish(resolution, now=at, policy=policy)
        return [published, public.disclosure_started(published)]

    change = Change(disclosure_stream(resolution.resolution_id), d.Disclosure.fold, decide,
                    community=resolution.community_id)
    await service.commands.execute_in(uow, change, cause=envelope)


async def on_current_disclosure(service: Service[PublicationViews], topic_id: UUID, decide: DecideDisclosure,
                                actor: Actor | None = None, roles: tuple[Role, ...] = ()) -> Executed[d.Disclosure]:
    """Run a change on the topic's current disclosure, found and changed in one transaction."""

    async def work(uow: UnitOfWork[PublicationViews]) -> Executed[d.Disclosure]:
        resolution_id = await uow.views.current_disclosure(topic_id)
        if resolution_id is None:
            raise no_disclosure()
        change = Change(disclosure_stream(resolution_id), d.Disclosure.fold, decide, missing=no_disclosure(),
                        community=lambda disclosure: disclosure.community_id, roles=roles)
        return await service.commands.execute_in(uow, change, actor)

    executed: Executed[d.Disclosure] = await service.commands.retrying(work)
    return executed


async def raise_objection(service: Service[PublicationViews], topic_id: UUID, text: str) -> d.ObjectionRaised:
    """A resident objects during the period; text only, no name or contact."""
    def decide(disclosure: d.Disclosure, ctx: Context[PublicationViews]) -> list[object]:
        raised = disclosure.object(text, now=ctx.now)
        return [raised, public.objection_raised(disclosure, raised)]

    executed = await on_current_disclosure(service, topic_id, decide)
    raised = executed.events[0]
    assert isinstance(raised, d.ObjectionRaised)
    return raised


async def assess_objection(service: Service[PublicationViews], actor: Actor, topic_id: UUID, objection_id: UUID, *,
                           substantive: bool, reason: str) -> list[Envelope[Any]]:
    """Staff mark an objection substantive or not; a substantive one sends the topic back to the council."""

    def decide(disclosure: d.Disclosure, ctx: Context[PublicationViews]) -> list[object]:
        events: list[object] = list(disclosure.assess(
            objection_id, substantive=substantive, reason=reason, assessed_by=actor.id, now=ctx.now
        ))
        assessed = events[0]
        assert isinstance(assessed, d.ObjectionAssessed)
        events.append(public.objection_assessed(disclosure, assessed))
        returned = next((e for e in events if isinstance(e, d.DisclosureReturnedToCouncil)), None)
        if returned is not None:
            events.append(public.returned_to_council(disclosure, assessed, returned))
        return events

    return (await on_current_disclosure(service, topic_id, decide, actor, ASSESSORS)).envelopes
