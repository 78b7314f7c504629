"""The overdue grace (逾期宽限) of an implementation's rounds: each round's tasks count as overdue
after their deadline plus the grace its community's settings gave when the round started."""

from ..domain import Implementation
from .ports import PublicationViews


async def graces(views: PublicationViews, implementation: Implementation) -> dict[int, int]:
    """Each round's grace in days."""
    return {
        round_: int((await views.settings_at(implementation.community_id, started_at)).overdue_grace_days.value)
        for round_, started_at in implementation.round_starts().items()
    }
