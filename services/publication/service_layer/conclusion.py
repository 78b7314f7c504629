"""The periodic duty that ends disclosure periods (公示期满): every open disclosure whose period
is over with no objection pending is concluded, and its implementation starts (round 1, one
task per measure) in the same transaction, on the command path like any other change."""

import logging
from datetime import datetime
from functools import partial
from uuid import UUID

from services.kit.commands import Change, Context
from services.kit.ports import Service
from services.kit.refusal import Refusal
from services.kit.unit_of_work import UnitOfWork

from .. import domain as d
from . import public
from .config import disclosure_stream, implementation_stream
from .disclosures import no_disclosure
from .ports import PublicationViews

log = logging.getLogger(__name__)


async def conclude_due(service: Service[PublicationViews]) -> int:
    """Conclude every disclosure due by now; returns how many implementations started."""
    async with service.reading() as views:
        due = await views.disclosures_due(service.clock.now())
    started = 0
    for resolution_id in due:
        try:
            started += await service.commands.retrying(partial(conclude, service, resolution_id=resolution_id))
        except Refusal as refused:
            log.info("disclosure %s not concluded this round: %s", resolution_id, refused)
    return started


async def conclude(service: Service[PublicationViews], uow: UnitOfWork[PublicationViews], *,
                   resolution_id: UUID) -> int:
    """Conclude one disclosure if its period is over, and start its implementation; 1 if it started."""
    disclosure_change = Change(
        disclosure_stream(resolution_id), d.Disclosure.fold, _conclude_when_due, missing=no_disclosure(),
        community=lambda disclosure: disclosure.community_id,
    )
    concluded = await service.commands.execute_in(uow, disclosure_change)
    if not concluded.events:
        return 0
    ended = concluded.after
    assert ended is not None and ended.ended_at is not None
    at = ended.ended_at  # the round starts when the disclosure concluded

    def first_round(impl: d.Implementation | None, ctx: Context[PublicationViews]) -> list[object]:
        if impl is not None:
            return []  # started already: a disclosure concludes once
        return _first_round(ended, at)

    started = await service.commands.execute_in(uow, Change(
        implementation_stream(ended.topic_id), d.Implementation.fold, first_round, community=ended.community_id,
    ))
    return 1 if started.events else 0


def _conclude_when_due(disclosure: d.Disclosure, ctx: Context[PublicationViews]) -> list[object]:
    return list(disclosure.conclude_when_due(now=ctx.now))


def _first_round(disclosure: d.Disclosure, at: datetime) -> list[object]:
    assigned = d.start(disclosure, now=at)
    return [assigned, public.implementation_started(assigned)]
