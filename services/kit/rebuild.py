"""Rebuild a projection from the events, aside, while the live consumer goes on serving.

The events of the projection's topics are replayed from offset 0 into a shadow copy of its
tables (``services.kit.shadow``), through ``apply_once`` as live consumption does, one
transaction per batch. Readers and the live consumer keep using the real tables meanwhile.
Once the replay has reached the topics' end, it reads again to the new end of what arrived
meanwhile (a few rounds, until the rest is small), then swaps in one short transaction:

1. lock the real tables and the views on them (``processed_events`` first), so the live
   consumer, a command applying its own events, and readers wait from here to the commit;
2. read the topics' end offsets now and replay the rest into the copy;
3. move the copies in, the old tables out (and drop them).

Nothing the live consumer applied is lost by the swap: whatever it applied came from a record
already in Kafka, so below the end offsets read under the lock, so in the copy; whatever it
applies after waiting on the lock goes into the swapped-in tables, and what it had applied
without committing its offsets comes again and is skipped by the copy's ``processed_events``.
(The group's committed offsets would not do as the boundary: the consumer commits them after
its database transaction, so they lag what the tables hold.) A service's own events applied
inline by a command but still in its outbox are absent from the swapped-in tables until the
live consumer receives them from Kafka a moment later.

If the locks cannot be had within 500 ms (a long reader, a command waiting on the swap while
the swap waits on it), the swap gives way, forgets the rest it replayed and tries again. Unreadable records, and those over the size limit, are skipped (the
live consumer dead-lettered them). One rebuild per service database runs at a time.
"""

import asyncio
import logging
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
from yishi_contracts import Envelope

from .binding import MAX_RECORD_BYTES, MalformedMessage, read_record
from .db import connect
from .kafka_reading import Offsets, TopicReader
from .projection import Projection, apply_once
from .settings import KafkaSecurity
from .shadow import ShadowCopy

log = logging.getLogger(__name__)

CATCH_UP_ROUNDS = 5
SWAP_ATTEMPTS = 20
PARSE_CHUNK = 50


@dataclass(frozen=True)
class RebuildReport:
    records_read: int
    events_applied: int
    records_skipped: int


@dataclass(frozen=True)
class Progress:
    """Where a rebuild is: records read of those known so far (the total grows with what
    arrives while it runs), since it started reading; ``swapped`` once it is done."""

    records_read: int
    records_total: int
    seconds: float
    swapped: bool = False


class _Replay:
    def __init__(
        self, conn: asyncpg.Connection, projection: Projection, service: str, reader: TopicReader,
        progress: Callable[[Progress], None] | None, max_record_bytes: int = MAX_RECORD_BYTES,
    ) -> None:
        self._conn, self._projection, self._service, self._reader = conn, projection, service, reader
        self._max_record_bytes = max_record_bytes
        self._progress = progress or (lambda _: None)
        self.report = RebuildReport(0, 0, 0)
        self.started = time.perf_counter()

    def tell(self, total: int, *, swapped: bool = False) -> None:
        self._progress(Progress(self.report.records_read, total, time.perf_counter() - self.started, swapped))

    async def to(self, end: Offsets, *, own_transactions: bool = True) -> None:
        """Replay up to ``end``: each batch in its own transaction, or all in the caller's.

        The next batches are fetched and parsed while the database writes the last one (the
        two run on different cores), a few batches ahead at most. Parsing yields every
        ``PARSE_CHUNK`` records: the applying side's statements are answered in between, so
        the two overlap instead of the applying side waiting a whole batch's parse for each."""
        total = self.report.records_read + self._reader.behind(end)
        ahead: asyncio.Queue[tuple[int, list[Envelope[Any]]] | BaseException | None] = asyncio.Queue(maxsize=2)

        async def read() -> None:
            try:
                async for batch in self._reader.read_to(end):
                    await ahead.put((len(batch), await self._parse(batch)))
                await ahead.put(None)
            except BaseException as exc:  # noqa: BLE001 — handed to the applying side, which raises it
                await ahead.put(exc)
                raise

        reading = asyncio.create_task(read(), name=f"{self._service}-rebuild-read")
        try:
            while (item := await ahead.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                read_count, envelopes = item
                if own_transactions:
                    async with self._conn.transaction():
                        applied = await self._apply(envelopes)
                else:
                    applied = await self._apply(envelopes)
                r = self.report
                self.report = RebuildReport(r.records_read + read_count, r.events_applied + applied,
                                            r.records_skipped + read_count - len(envelopes))
                self.tell(total)
        finally:
            if not reading.done():
                reading.cancel()
            await asyncio.gather(reading, return_exceptions=True)

    async def _parse(self, batch: list[Any]) -> list[Envelope[Any]]:
        envelopes = []
        for start in range(0, len(batch), PARSE_CHUNK):
            for record in batch[start:start + PARSE_CHUNK]:
                try:
                    envelopes.append(read_record(record, max_bytes=self._max_record_bytes))  # what the live consumer accepts
                except MalformedMessage:
                    pass
            await asyncio.sleep(0)  # let the applying side go on as soon as its statement is answered
        return envelopes

    async def _apply(self, envelopes: list) -> int:
        return await apply_once(self._conn, self._projection, envelopes, service=self._service, reactions=False)


async def rebuild(
    *,
    service: str,
    projection: Projection,
    database_url: str,
    bootstrap_servers: str,
    topic_prefix: str = "",
    batch_size: int = 3000,
    security: KafkaSecurity | None = None,
    max_record_bytes: int = MAX_RECORD_BYTES,
    progress: Callable[[Progress], None] | None = None,
) -> RebuildReport:
    conn = await connect(database_url)
    try:
        if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", zlib.crc32(f"yishi-rebuild:{service}".encode())):
            raise RuntimeError(f"a rebuild of {service} is already running on this database")
        shadow = ShadowCopy(conn, (*projection.tables, "processed_events"))
        await shadow.create()
        try:
            await shadow.write_here()
            await conn.execute("SET synchronous_commit = off")  # the copy is worthless until swapped: a crash means again
            topics = [f"{topic_prefix}{t}" for t in projection.topics]
            async with TopicReader(
                bootstrap_servers, topics, batch_size=batch_size, client_id=f"yishi-{service}-rebuild", security=security
            ) as reader:
                replay = _Replay(conn, projection, service, reader, progress, max_record_bytes)
                await replay.to(await reader.end_offsets())
                for _ in range(CATCH_UP_ROUNDS):
                    end = await reader.end_offsets()
                    if reader.behind(end) <= batch_size:
                        break
                    await replay.to(end)
                await shadow.finish()
                await _swap(conn, shadow, replay, reader)
        except BaseException:
            await shadow.discard()
            raise
    finally:
        await conn.close()
    report = replay.report
    replay.tell(report.records_read, swapped=True)
    log.info("rebuilt %s.%s: %d read, %d applied, %d skipped", service, projection.name,
             report.records_read, report.events_applied, report.records_skipped)
    return report


async def _swap(conn: asyncpg.Connection, shadow: ShadowCopy, replay: _Replay, reader: TopicReader) -> None:
    for attempt in range(1, SWAP_ATTEMPTS + 1):
        positions, report = reader.positions(), replay.report
        started = time.perf_counter()
        try:
            async with conn.transaction():
                await conn.execute("SET LOCAL synchronous_commit = on")
                await shadow.lock_originals()
                await replay.to(await reader.end_offsets(), own_transactions=False)
                await shadow.swap()
            log.info("swapped the rebuilt tables in (%.0f ms under lock, attempt %d)",
                     (time.perf_counter() - started) * 1000, attempt)
            return
        except (asyncpg.QueryCanceledError, asyncpg.LockNotAvailableError, asyncpg.DeadlockDetectedError) as exc:
            log.info("swap attempt %d could not lock the tables (%r); trying again", attempt, exc)
            reader.rewind(positions)
            replay.report = report
            await asyncio.sleep(min(0.1 * attempt, 1.0))
    raise RuntimeError(f"could not lock the projection's tables for the swap in {SWAP_ATTEMPTS} attempts")
