"""Staff lists of topics (议题清单): one community's, or every community's under a street or
district office, filtered, searched, sorted and paged on the council's topics view."""

from services.kit.auth import Actor
from services.kit.ports import Service

from .ports import CouncilViews
from .topic_query import TopicPage, TopicQuery


async def list_topics(service: Service[CouncilViews], actor: Actor, query: TopicQuery) -> TopicPage:
    """The page, for an actor whose scope covers the community or the division asked for."""
    actor.ensure_community(query.within)
    async with service.reading() as views:
        return await views.topic_list(query)
