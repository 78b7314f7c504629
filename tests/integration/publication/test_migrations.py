"""Publication's migrations on a real PostgreSQL: down to the kit's tables and up again, and a
database written before the private events were renamed still folds into the same disclosure."""

from dataclasses import replace
from uuid import uuid4

import asyncpg

from services.kit import db, eventstore
from services.kit.streams import EventStream
from services.publication import domain as d
from services.publication.service_layer.config import CODEC, disclosure_stream
from services.system import migrate
from tests.unit.factories import NOW, adopted

OLD_NAME, NEW_NAME = "publication.DisclosureStarted.v1", "publication.ResolutionPublished.v1"


async def _types(conn: asyncpg.Connection, stream_id: str) -> list[tuple[str, str]]:
    rows = await conn.fetch("SELECT event_type, envelope->>'type' AS t FROM event_store WHERE stream_id = $1", stream_id)
    return [(r["event_type"], r["t"]) for r in rows]


async def test_a_disclosure_stored_under_its_old_name_folds_after_the_rename(make_database) -> None:
    url = make_database("publication")
    migrate.downgrade("publication", url, "publication_0003")
    events = EventStream(codec=CODEC, source="/yishi/publication", topic="unused")
    published = d.publish(adopted(uuid4()), now=NOW)
    stream_id = disclosure_stream(published.resolution_id)
    (record,) = events.records(stream_id, [published], community_id=published.community_id, now=NOW)
    conn = await db.connect(url)
    try:
        async with conn.transaction():
            await eventstore.append(conn, stream_id=stream_id, expected_version=0,
                                    envelopes=[replace(record, type=OLD_NAME)], topic="unused")
        migrate.upgrade("publication", url)
        assert await _types(conn, stream_id) == [(NEW_NAME, NEW_NAME)]
        disclosure = d.Disclosure.fold((await events.load(conn, stream_id)).events)
        assert disclosure is not None and disclosure.resolution_id == published.resolution_id
        migrate.downgrade("publication", url, "publication_0001")
        assert await _types(conn, stream_id) == [(OLD_NAME, OLD_NAME)]
        migrate.upgrade("publication", url)
        assert await _types(conn, stream_id) == [(NEW_NAME, NEW_NAME)]
    finally:
        await conn.close()
