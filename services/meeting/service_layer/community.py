"""A community's side of the meeting service: the topics ready for an agenda, its council's
roster, its meetings, and its meeting rules (议事规则) — the one setting its chair may change."""

from fractions import Fraction

from services.kit.auth import Actor
from services.kit.commands import check_actor
from services.kit.ports import Service
from services.kit.refusal import INVALID, NOT_FOUND

from ..domain import AgendaCandidate, MeetingRefused, MeetingRules
from .meetings import CHAIR
from .ports import MeetingSummary, MeetingViews, Roster


async def ready_for_agenda(service: Service[MeetingViews], community_id: str) -> list[AgendaCandidate]:
    """The topics a meeting may take up now (不调研不协商), oldest research first."""
    async with service.reading() as views:
        candidates = await views.candidates(community_id)
    return [candidate for candidate in candidates.values() if candidate.researched]


async def roster(service: Service[MeetingViews], actor: Actor, community_id: str) -> Roster:
    actor.ensure_community(community_id)
    async with service.reading() as views:
        council = await views.roster(community_id)
    if council is None:
        raise MeetingRefused("no_council", "尚未收到本社区协商议事会的组成名单", "no council roster for this community yet",
                             kind=NOT_FOUND)
    return council


async def meetings(service: Service[MeetingViews], actor: Actor, community_id: str) -> list[MeetingSummary]:
    actor.ensure_community(community_id)
    async with service.reading() as views:
        return await views.meetings(community_id)


async def rules(service: Service[MeetingViews], actor: Actor, community_id: str) -> MeetingRules:
    actor.ensure_community(community_id)
    async with service.reading() as views:
        return await views.rules(community_id)


async def set_rules(service: Service[MeetingViews], actor: Actor, community_id: str, quorum: Fraction,
                    adoption: Fraction, abstentions_count_as_present: bool) -> MeetingRules:
    """The chair sets the community's rules; a meeting keeps the rules it was convened under."""
    check_actor(actor, CHAIR, community_id)
    try:
        chosen = MeetingRules(quorum, adoption, abstentions_count_as_present)
    except ValueError as exc:
        raise MeetingRefused("invalid_rules", "法定人数须在 (0, 1]，通过比例须在 [0, 1)", str(exc), kind=INVALID) from exc
    at = service.clock.now()
    await service.commands.retrying(lambda uow: uow.views.save_rules(community_id, chosen, actor.id, at))
    return chosen
