"""Use cases of results conversion (成果转化): grounds for escalation, and escalating to the county CPPCC.

One stream per topic (``escalation:<topic_id>``): the ground it may be escalated on, then the
escalation itself, once.
"""

from collections.abc import Callable
from typing import Any
from uuid import UUID

import yishi_contracts as c
from yishi_contracts import Envelope, EscalationGround, ExclusionReason, Rejected

from services.kit.auth import Actor, Role
from services.kit.commands import Change, Context
from services.kit.ports import Service
from services.kit.unit_of_work import UnitOfWork

from .. import domain as d
from . import public
from .config import escalation_stream
from .ports import PublicationViews

ESCALATORS = (Role.staff, Role.council_chair, Role.cppcc_office)


async def ground_from_screening(service: Service[PublicationViews], uow: UnitOfWork[PublicationViews],
                                envelope: Envelope[c.TopicScreened]) -> None:
    """Reaction to TopicScreened: a rejection as beyond_authority becomes a ground staff may escalate on."""
    screened = envelope.data
    decision = screened.decision
    if not isinstance(decision, Rejected) or decision.reason != ExclusionReason.beyond_authority:
        return

    def decide(escalation: d.Escalation | None, ctx: Context[PublicationViews]) -> list[object]:
        if escalation is not None and escalation.ground is not None:
            return []
        return [d.ground_from_screening(screened)]

    change = Change(escalation_stream(screened.topic_id), d.Escalation.fold, decide, community=screened.community_id)
    await service.commands.execute_in(uow, change, cause=envelope)


async def escalate(service: Service[PublicationViews], actor: Actor, topic_id: UUID, *, kind: str, summary: str,
                   ground: str | None = None, note: str | None = None) -> list[Envelope[Any]]:
    """Escalate as a CPPCC proposal or a social-conditions report.

    The ground is the recorded beyond_authority rejection, or ``needs_higher_level`` with a note
    for the topic's latest resolution.
    """

    async def work(uow: UnitOfWork[PublicationViews]) -> list[Envelope[Any]]:
        resolution, community = None, None
        if ground == EscalationGround.needs_higher_level:
            resolution = await uow.views.latest_resolution(topic_id)
            if resolution is None:
                raise d.PublicationRefused(
                    "no_resolution", "该议题尚未形成协商意见，不能以“需上级解决”上报",
                    "the topic has no resolution to escalate as needing a higher level",
                )
            community = resolution.community_id
        else:
            row = await uow.views.board_row(topic_id)
            community = row["community_id"] if row else None

        def decide(escalation: d.Escalation | None, ctx: Context[PublicationViews]) -> list[object]:
            state = escalation or d.Escalation(topic_id, _community(community)(escalation))
            new: list[object] = []
            if resolution is not None:  # the council marks the resolution as needing a higher level now
                grounded = d.ground_from_resolution(resolution, note=note or "", now=ctx.now)
                state, new = state.apply(grounded), [grounded]
            filed = state.escalate(kind, summary, escalated_by=actor.id, now=ctx.now)
            return [*new, filed, public.escalated(filed)]

        change = Change(escalation_stream(topic_id), d.Escalation.fold, decide, community=_community(community),
                        roles=ESCALATORS)
        return (await service.commands.execute_in(uow, change, actor)).envelopes

    envelopes: list[Envelope[Any]] = await service.commands.retrying(work)
    return envelopes


def _community(known: str | None) -> Callable[[d.Escalation | None], str]:
    """Where the topic belongs: its escalation's community, else the board's, else it is not found."""

    def community(escalation: d.Escalation | None) -> str:
        if escalation is not None:
            return escalation.community_id
        if known is None:
            raise d.not_found("该议题", "topic")
        return known

    return community
