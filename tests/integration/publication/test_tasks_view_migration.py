"""The migration creating ``tasks_view`` fills it from the event store of a database written before
it: the rounds' tasks, the percent of the progress reported and the completions (private events,
never published before contracts 1.5.0), so the lists read the same after the upgrade."""

from datetime import date, timedelta
from uuid import uuid4

from services.kit import db, eventstore
from services.kit.streams import EventStream
from services.publication import domain as d
from services.publication.service_layer import public
from services.publication.service_layer.config import CODEC, implementation_stream
from services.system import migrate
from tests.unit.factories import NOW

COMMUNITY = "330102001051"


async def test_the_upgrade_fills_the_view_from_the_stored_implementations(make_database) -> None:
    url = make_database("publication")
    migrate.downgrade("publication", url, "publication_0009")
    topic_id = uuid4()
    specs = tuple(d.TaskSpec(uuid4(), f"措施{i}", "社区居委会", date(2027, 1, 10 + i)) for i in range(3))
    assigned = d.TasksAssigned(topic_id, COMMUNITY, uuid4(), NOW - timedelta(days=8), specs, NOW)
    impl = d.Implementation.start(assigned)
    reported = impl.report_progress(specs[0].task_id, "已开工", 40, now=NOW + timedelta(days=1))
    later = impl.apply(reported).report_progress(specs[0].task_id, "过半", 60, now=NOW + timedelta(days=2))
    [completed] = impl.complete_task(specs[1].task_id, now=NOW + timedelta(days=3))
    stream_id = implementation_stream(topic_id)
    events = EventStream(codec=CODEC, source="/yishi/publication", topic="unused")
    records = events.records(stream_id, [assigned, public.implementation_started(assigned), reported, later, completed],
                             community_id=COMMUNITY, now=NOW)
    conn = await db.connect(url)
    try:
        async with conn.transaction():
            await eventstore.append(conn, stream_id=stream_id, expected_version=0, envelopes=records, topic="unused")
        migrate.upgrade("publication", url)
        rows = {r["task_id"]: dict(r) for r in await conn.fetch("SELECT * FROM tasks_view")}
        assert set(rows) == {s.task_id for s in specs}
        going, done, untouched = (rows[s.task_id] for s in specs)
        assert (going["percent"], going["completed_at"], going["progressed_at"]) == (60, None, NOW + timedelta(days=2))
        assert (done["percent"], done["completed_at"]) == (100, NOW + timedelta(days=3))
        assert (untouched["percent"], untouched["completed_at"], untouched["round"]) == (0, None, 1)
        assert (untouched["topic_id"], untouched["community_id"], untouched["deadline"], untouched["round_started_at"],
                untouched["responsible_party"]) == (topic_id, COMMUNITY, date(2027, 1, 12), NOW, "社区居委会")
        migrate.downgrade("publication", url, "publication_0009")
        assert await conn.fetchval("SELECT to_regclass('tasks_view')") is None
    finally:
        await conn.close()
