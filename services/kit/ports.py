"""The typed port a service's use cases and entrypoints depend on, instead of the runtime.

``ServiceRuntime`` (PostgreSQL and Kafka) and ``fakes.FakeService`` (in memory) both offer
it; ``V`` is the service's own views port (its read models and side tables).
"""

from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol, TypeVar

from .clock import Clock
from .commands import Commands
from .unit_of_work import UnitOfWork

V = TypeVar("V")


class Service(Protocol[V]):
    @property
    def clock(self) -> Clock: ...

    @property
    def commands(self) -> Commands[V]: ...

    def reading(self) -> AbstractAsyncContextManager[V]:
        """The views port for a query: a pooled connection, nothing recorded."""
        ...

    def on(self, conn: Any) -> UnitOfWork[V]:
        """A unit of work in a transaction the caller holds (a reaction in a consumer's batch)."""
        ...
