"""A community's list of meetings for its staff, council and party committee, and for the
street and district offices over it."""

from services.kit.auth import Actor
from services.kit.ports import Service

from .meeting_query import MeetingPage, MeetingQuery
from .ports import MeetingViews


async def list_meetings(service: Service[MeetingViews], actor: Actor, query: MeetingQuery) -> MeetingPage:
    actor.ensure_community(query.community_id)
    async with service.reading() as views:
        return await views.meeting_page(query)
