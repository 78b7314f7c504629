"""Reading the city's registry: one division with the names above it, and lists of them."""

from collections.abc import Sequence
from dataclasses import dataclass

from yishi_contracts import DivisionLevel
from yishi_contracts.settings import lineage as lineage_of_shape

from services.kit.ports import Service

from ..domain.divisions import own_digits
from ..domain.settings import lineage
from . import divisions
from .ports import CouncilViews
from .registry_ports import DivisionQuery, DivisionRecord

PATH_SEPARATOR = " · "


@dataclass(frozen=True)
class DivisionView:
    division: DivisionRecord
    ancestors: list[DivisionRecord]
    """The registered divisions above it, nearest first (its street, then its district)."""

    @property
    def path(self) -> str:
        """The name as people write it, from the division up: 清波门社区 · 清波街道 · 上城区."""
        return PATH_SEPARATOR.join(d.name for d in (self.division, *self.ancestors))


async def division(service: Service[CouncilViews], code: str) -> DivisionView:
    above = [ancestor for _, ancestor in lineage(code) if ancestor != code]
    async with service.reading() as views:
        found = await views.division(code)
        if found is None:
            raise divisions.unknown_division(code)
        known = await views.divisions(above)
    return DivisionView(found, [known[c] for c in reversed(above) if c in known])


async def names(service: Service[CouncilViews], codes: Sequence[str]) -> dict[str, DivisionView]:
    """The registered divisions among ``codes``, each with the names above it (one round trip)."""
    lineages = {code: [c for _, c in lineage_of_shape(code)] for code in set(codes)}
    async with service.reading() as views:
        known = await views.divisions(sorted({c for chain in lineages.values() for c in chain}))
    return {
        code: DivisionView(known[code], [known[c] for c in reversed(chain) if c != code and c in known])
        for code, chain in lineages.items() if code in known
    }


async def search(service: Service[CouncilViews], *, under: str | None, level: DivisionLevel | None, text: str | None,
                 include_retired: bool, page: int, size: int) -> tuple[int, list[DivisionRecord]]:
    query = DivisionQuery(
        under_prefix=own_digits(under) if under else None, level=level, text=(text or "").strip() or None,
        include_retired=include_retired, limit=size, offset=(page - 1) * size,
    )
    async with service.reading() as views:
        return await views.search(query)
