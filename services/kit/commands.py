"""The one command path every state change of every service takes.

    load the stream → fold it into the aggregate → check the actor's role and community →
    decide (pure domain code: events, or a Refusal) → record events + outbox + inline
    projection in one transaction → on a ConcurrencyConflict decide again, a few times.

A use case describes its change as a :class:`Change` and hands it to
:meth:`Commands.execute` (its own transaction) or :meth:`Commands.execute_in` (inside a unit
of work the caller already holds: a batch, or a reaction in a consumer's transaction).
"""

import inspect
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

from yishi_contracts import Envelope

from .auth import Actor, Role, role_not_allowed
from .clock import Clock
from .eventstore import ConcurrencyConflict
from .metrics import COMMAND_CONFLICTS
from .refusal import Refusal, RefusalKind
from .streams import Loaded
from .unit_of_work import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

A = TypeVar("A")
V = TypeVar("V")
ATTEMPTS = 5


@dataclass(frozen=True)
class Context(Generic[V]):
    """What a decision may consult besides its aggregate: the time, the actor and the views."""

    now: datetime
    actor: Actor | None
    uow: UnitOfWork[V]

    @property
    def views(self) -> V:
        return self.uow.views


Decide = Callable[[A, Context[V]], Sequence[object] | Awaitable[Sequence[object]]]


@dataclass(frozen=True)
class Change(Generic[A, V]):
    """One state change of one aggregate's stream.

    ``fold`` turns the stream's events (possibly none) into the aggregate; ``missing``, when
    given, refuses an empty stream instead. ``community`` says where the actor must belong:
    a code, or a function of the aggregate. ``roles`` are who may (none: anyone, e.g. a
    resident). ``decide`` returns the new events or raises a Refusal; it may consult the
    context's views, and must be a function of what it reads (it runs again after a conflict).

    ``creates`` says the change starts a stream whose id was just drawn (a new topic): it is
    decided on the empty stream without reading it — one round trip fewer — and should the
    stream exist after all, the store's conflict sends it the usual way (load, decide again).
    """

    stream_id: str
    fold: Callable[[Sequence[object]], A]
    decide: Decide[A, V]
    community: str | Callable[[A], str]
    roles: tuple[Role, ...] = ()
    missing: Refusal | None = None
    correlation_id: UUID | None = None
    creates: bool = False


@dataclass(frozen=True)
class Executed(Generic[A]):
    """What a change did: the aggregate before and after, the new events and their envelopes."""

    before: A
    after: A
    events: list[object]
    envelopes: list[Envelope[Any]]
    version: int
    history: list[object] = field(default_factory=list)
    """Every event of the stream, the new ones included."""


def concurrent_change() -> Refusal:
    return Refusal(
        "concurrent_change", "该记录刚被他人修改，请刷新后重试",
        "someone else changed this record just now; reload and try again",
    )


def check_actor(actor: Actor | None, roles: tuple[Role, ...], community_id: str) -> None:
    """The role and community rule of every command: 401 without an actor, 403 for another."""
    if not roles:
        return
    if actor is None:
        raise Refusal(
            "login_required", "此操作需要工作人员登录", "this needs a staff login (Authorization: Bearer <token>)",
            kind=RefusalKind.unauthenticated,
        )
    if not actor.has(*roles):
        raise role_not_allowed(roles)
    actor.ensure_community(community_id)


class Commands(Generic[V]):
    def __init__(self, units: UnitOfWorkFactory[V], clock: Clock, *, attempts: int = ATTEMPTS) -> None:
        self.units = units
        self.clock = clock
        self.attempts = attempts

    async def execute(
        self, change: Change[A, V], actor: Actor | None = None, *, cause: Envelope[Any] | None = None
    ) -> Executed[A]:
        """Run the change in a transaction of its own, deciding again after a lost race."""
        attempts = 0

        async def once(uow: UnitOfWork[V]) -> Executed[A]:
            nonlocal attempts
            attempts += 1
            return await self._once(uow, change, actor, cause, read=attempts > 1 or not change.creates)

        return await self.retrying(once)

    async def execute_in(
        self, uow: UnitOfWork[V], change: Change[A, V], actor: Actor | None = None, *,
        cause: Envelope[Any] | None = None,
    ) -> Executed[A]:
        """Run the change inside ``uow``. A conflict is decided again there: the store's append
        leaves the transaction usable, and a reload sees the winner's events."""
        for attempt in range(1, self.attempts + 1):
            try:
                return await self._once(uow, change, actor, cause, read=attempt > 1 or not change.creates)
            except ConcurrencyConflict:
                COMMAND_CONFLICTS.inc()
                if attempt == self.attempts:
                    raise
        raise AssertionError("unreachable")

    async def retrying(self, work: Callable[[UnitOfWork[V]], Awaitable[Any]]) -> Any:
        """Run ``work`` in a new unit of work; after a ConcurrencyConflict, again in a fresh one.

        For a use case that records on several streams in one transaction (a batch)."""
        for attempt in range(1, self.attempts + 1):
            try:
                async with self.units() as uow:
                    return await work(uow)
            except ConcurrencyConflict as conflict:
                COMMAND_CONFLICTS.inc()
                log.info("decided again after a concurrent change to %s (attempt %d)", conflict.stream_id, attempt)
        raise concurrent_change()

    async def _once(
        self, uow: UnitOfWork[V], change: Change[A, V], actor: Actor | None, cause: Envelope[Any] | None, *, read: bool
    ) -> Executed[A]:
        loaded = await uow.load(change.stream_id) if read else Loaded([], 0)
        if not loaded.events and change.missing is not None:
            raise change.missing
        before = change.fold(loaded.events)
        community = change.community if isinstance(change.community, str) else change.community(before)
        check_actor(actor, change.roles, community)
        decided = change.decide(before, Context(self.clock.now(), actor, uow))
        events = list(await decided if inspect.isawaitable(decided) else decided)
        envelopes = []
        if events:
            envelopes = await uow.record(
                change.stream_id, expected_version=loaded.version, events=events, community_id=community,
                cause=cause, correlation_id=change.correlation_id,
            )
        history = [*loaded.events, *events]
        return Executed(before, change.fold(history), events, envelopes, loaded.version + len(events), history)
