"""The ledger's views beside the board's, in the publication service's one projection.

A service has one projection and an event type one view handler, so ``with_ledger`` returns a
projection that, for each event type, runs the board's handler as registered (a batch's
group, or one event at a time) and then writes the ledger's facts; reactions stay as they
are. The ledger's writes commute with everything (``facts.py``), so either way is right.
"""

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from yishi_contracts import Envelope, Event

from services.kit.projection import Projection

from . import tables
from .facts import LEDGER_EVENTS, facts_of


async def write_facts(conn: asyncpg.Connection, envelopes: list[Envelope[Any]]) -> None:
    await tables.write(conn, [fact for e in envelopes for fact in facts_of(e.data)])


def with_ledger(board: Projection) -> Projection:
    view = Projection(board.name, tables=[*board.tables, *tables.TABLE_NAMES], topics=board.topics)
    probe_types = tuple(dict.fromkeys((*board.event_types, *LEDGER_EVENTS)))
    for event_type in probe_types:
        _register(view, board, event_type, event_type in LEDGER_EVENTS)
    return view


def _register(view: Projection, board: Projection, event_type: type[Event], ledgered: bool) -> None:
    one = _one_by_one_of(board, event_type)
    batch = _batch_of(board, event_type)
    if one is not None:
        async def each(conn: asyncpg.Connection, envelope: Envelope[Any], _one: Any = one) -> None:
            await _one(conn, envelope)
            if ledgered:
                await write_facts(conn, [envelope])
        view.on(event_type)(each)
    elif batch is not None or ledgered:
        async def group(conn: asyncpg.Connection, envelopes: list[Envelope[Any]], _batch: Any = batch) -> None:
            if _batch is not None:
                await _batch(conn, envelopes)
            if ledgered:
                await write_facts(conn, envelopes)
        view.on_batch(event_type)(group)
    reaction = _reaction_of(board, event_type)
    if reaction is not None:
        view.reacts_to(event_type)(reaction)


Handler = Callable[[asyncpg.Connection, Any], Awaitable[None]]


def _sample(event_type: type[Event]) -> Envelope[Any]:
    """An envelope of the type, only for asking the board which handler it has (never handled)."""
    return Envelope.model_construct(data=event_type.model_construct())


def _one_by_one_of(board: Projection, event_type: type[Event]) -> Handler | None:
    return board.one_by_one(_sample(event_type))


def _batch_of(board: Projection, event_type: type[Event]) -> Handler | None:
    groups = board.batches([_sample(event_type)])
    return groups[0][0] if groups else None


def _reaction_of(board: Projection, event_type: type[Event]) -> Handler | None:
    sample = _sample(event_type)
    return board.reaction(sample) if board.reacts(sample) else None
