"""The list of meetings of a community for its staff, council and party committee, and of a
street's or district's communities for the offices over them (the actor's scope must cover it)."""

from services.kit.auth import Actor
from services.kit.ports import Service

from .meeting_query import MeetingPage, MeetingQuery
from .ports import MeetingViews


async def list_meetings(service: Service[MeetingViews], actor: Actor, query: MeetingQuery) -> MeetingPage:
    actor.ensure_community(query.within)
    async with service.reading() as views:
        return await views.meeting_page(query)
