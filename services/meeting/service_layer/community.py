"""A community's side of the meeting service: the topics ready for an agenda, its council's
roster, its meetings, and the meeting rules (议事规则) its settings give — set in council's
settings per division (``PUT /divisions/{code}/settings``), kept here in the registry's replica."""

from yishi_contracts.settings import EffectiveSettings

from services.kit.auth import Actor
from services.kit.ports import Service
from services.kit.refusal import NOT_FOUND

from ..domain import AgendaCandidate, MeetingRefused
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


async def rules(service: Service[MeetingViews], actor: Actor, community_id: str) -> EffectiveSettings:
    """The quorum and adoption a meeting convened now would keep (set in council's 议事设置)."""
    actor.ensure_community(community_id)
    async with service.reading() as views:
        return await views.rules(community_id, service.clock.now())
