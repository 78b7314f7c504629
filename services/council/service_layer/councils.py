"""Use cases of the 1+7+X council: form it, appoint the chair, nominate, confirm, let go.

Each change records the council's private event together with the public
CouncilCompositionChanged snapshot the domain decides with it, so the meeting service can
keep the roster. Forming also registers the council as its community's only one.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from services.kit.auth import Actor, Role
from services.kit.commands import Change, Context
from services.kit.ports import Service
from services.kit.refusal import NOT_FOUND
from services.kit.unit_of_work import UnitOfWork

from ..domain.council import Council, MemberCategory, form_council
from ..domain.refusal import CouncilRefused, local_date
from .ports import CouncilViews

FORMERS = (Role.party_committee, Role.staff)
NOMINATORS = (Role.staff, Role.party_committee)
PARTY_COMMITTEE = (Role.party_committee,)

CouncilDecision = Callable[[Council, datetime], list[object]]


def stream_id(council_id: UUID) -> str:
    return f"council:{council_id}"


def unknown_council() -> CouncilRefused:
    return CouncilRefused("council_unknown", "找不到该协商议事会", "no such council", kind=NOT_FOUND)


def no_council(community_id: str) -> CouncilRefused:
    return CouncilRefused(
        "council_not_ready", f"协商议事会尚不能履职：社区{community_id}尚未组建协商议事会",
        f"the council cannot act yet: community {community_id} has no council",
    )


async def form(service: Service[CouncilViews], actor: Actor, community_id: str) -> Council:
    """One council per community: forming it twice is refused with the existing council's id."""
    council_id = uuid4()
    change: Change[Any, CouncilViews] = Change(
        stream_id(council_id), Council.fold, lambda _, ctx: form_council(council_id, community_id, now=ctx.now),
        community=community_id, roles=FORMERS,
    )

    async def work(uow: UnitOfWork[CouncilViews]) -> Council:
        done = await service.commands.execute_in(uow, change, actor)
        existing = await uow.views.register_council(council_id, community_id, done.events[0].at)
        if existing is not None:  # raising undoes the events just recorded, with the transaction
            raise CouncilRefused(
                "council_exists", "本社区已组建协商议事会", "this community already has a council",
                council_id=str(existing),
            )
        return done.after

    return await service.commands.retrying(work)


def _change(council_id: UUID, roles: tuple[Role, ...], decide: CouncilDecision) -> Change[Any, CouncilViews]:
    def decided(council: Council, ctx: Context[CouncilViews]) -> list[object]:
        return decide(council, ctx.now)

    return Change(
        stream_id(council_id), Council.fold, decided, community=lambda council: council.community_id, roles=roles,
        missing=unknown_council(),
    )


async def _run(service: Service[CouncilViews], actor: Actor, change: Change[Any, CouncilViews]) -> Council:
    return (await service.commands.execute(change, actor)).after


async def appoint_chair(service: Service[CouncilViews], actor: Actor, council_id: UUID, member_id: str,
                        name: str) -> Council:
    """The party committee appoints the chair (任命主席); a new appointment replaces the old."""
    return await _run(service, actor, _change(
        council_id, PARTY_COMMITTEE, lambda council, now: council.appoint_chair(member_id, name, now=now)))


async def nominate(service: Service[CouncilViews], actor: Actor, council_id: UUID, member_id: str, name: str,
                   category: MemberCategory, term: tuple[date, date]) -> Council:
    """Democratic recommendation (民主推荐) puts a person forward as a fixed member for a term."""
    return await _run(service, actor, _change(
        council_id, NOMINATORS, lambda council, now: council.nominate(member_id, name, category, *term, now=now)))


async def confirm(service: Service[CouncilViews], actor: Actor, council_id: UUID, member_id: str) -> Council:
    """The party committee confirms a nominee (党委确认)."""
    return await _run(service, actor, _change(
        council_id, PARTY_COMMITTEE, lambda council, now: council.confirm(member_id, now=now)))


async def leave(service: Service[CouncilViews], actor: Actor, council_id: UUID, member_id: str,
                left_on: date | None, reason: str) -> Council:
    """A fixed member leaves before the term ends (离任), today unless another day is given."""
    return await _run(service, actor, _change(
        council_id, NOMINATORS,
        lambda council, now: council.leave(member_id, left_on or local_date(now), reason, now=now)))


async def load(uow: UnitOfWork[CouncilViews], council_id: UUID) -> Council | None:
    return Council.fold((await uow.load(stream_id(council_id))).events)


async def acting_for(uow: UnitOfWork[CouncilViews], community_id: str) -> Council:
    """The community's council, for a decision that needs it (screening, research)."""
    council_id = await uow.views.council_of(community_id)
    council = await load(uow, council_id) if council_id is not None else None
    if council is None:
        raise no_council(community_id)
    return council


async def council(service: Service[CouncilViews], council_id: UUID) -> Council:
    """The council as its stream says, to show (the roster and whether it can act)."""
    async with service.commands.units() as uow:
        found = await load(uow, council_id)
    if found is None:
        raise unknown_council()
    return found


async def council_of_community(service: Service[CouncilViews], community_id: str) -> Council:
    async with service.commands.units() as uow:
        council_id = await uow.views.council_of(community_id)
        found = await load(uow, council_id) if council_id is not None else None
    if found is None:
        raise CouncilRefused("council_unknown", "本社区尚未组建协商议事会", "this community has no council yet",
                             kind=NOT_FOUND)
    return found
