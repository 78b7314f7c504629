"""The views port publication's use cases read: the board, resolutions and disclosures it keeps.

``adapters.views.SqlPublicationViews`` is the PostgreSQL implementation; the unit tests
have an in-memory one. A board row is the board table's columns plus ``status``, the
topic's place in its life (``yishi_contracts.lifecycle``), derived from the steps it saw.
"""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Protocol
from uuid import UUID

from yishi_contracts import ResolutionAdopted
from yishi_contracts.settings import EffectiveSettings

from services.kit.registry import CommunityNames

from ..domain.receipt import ReceiptCheck

from .task_query import TaskPage, TaskQuery

BoardRow = dict[str, Any]


class PublicationViews(Protocol):
    async def board_row(self, topic_id: UUID) -> BoardRow | None:
        """The topic's row on the public board, whether listed yet or not."""
        ...

    async def community_board(self, community_id: str) -> list[BoardRow]:
        """The listed topics of a community (those with a title), newest first."""
        ...

    async def latest_resolution(self, topic_id: UUID) -> ResolutionAdopted | None: ...

    async def current_disclosure(self, topic_id: UUID) -> UUID | None:
        """The resolution id of the topic's latest disclosure, open or ended."""
        ...

    async def disclosures_due(self, now: datetime, limit: int = 200) -> list[UUID]:
        """Open disclosures whose period has ended by ``now``, the longest-ended first."""
        ...

    async def settings_at(self, community_id: str, at: datetime) -> EffectiveSettings:
        """The community's settings for what starts at ``at`` (registry's replica, inherited)."""
        ...

    async def community_names(self, codes: Sequence[str]) -> dict[str, CommunityNames]:
        """Each community's names with its street and district (registry's replica)."""
        ...

    async def task_page(self, query: TaskQuery, today: date) -> TaskPage:
        """A page of the implementation tasks of a community (its code) or a division (a prefix),
        overdue counted against ``today`` (China time), the most overdue first."""
        ...

    async def receipt_checks(self, topic_id: UUID) -> list[ReceiptCheck]:
        """The receipt checks of the topic and of the topics merged into it (none before contracts 1.3.0)."""
        ...
