"""The ledger's overdue count applies the community's overdue grace (逾期宽限) in effect when the
round started, as the task lists do, whatever order the settings and the starts arrive in; and
its SQL reads the registry replica exactly as ``effective_at`` does."""

import random
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest
import yishi_contracts as c
from yishi_contracts import Envelope

from services.kit.db import connect
from services.kit.projection import apply_once
from services.kit.registry import effective_at
from services.publication.ledger.figures import grace_days
from services.publication.ledger.queries import SqlLedgerViews
from services.publication.projection import build_projection
from services.system import migrate

QINGBOMEN, LAODONGLU, STREET, DISTRICT = "330102001051", "330102001052", "330102001000", "330102000000"
STARTED = datetime(2026, 3, 1, 2, tzinfo=UTC)
DEADLINE = date(2026, 3, 10)
YEAR = (datetime(2025, 12, 31, 16, tzinfo=UTC), datetime(2026, 12, 31, 16, tzinfo=UTC))


def _settings(code: str, level: str, grace: int | None, effective_from: datetime) -> c.CommunitySettingsChanged:
    return c.CommunitySettingsChanged(community_id=code, code=code, level=level, overdue_grace_days=grace,
                                      effective_from=effective_from, changed_by="ledger-test")


def _started(community: str) -> c.ImplementationStarted:
    return c.ImplementationStarted(topic_id=uuid4(), community_id=community, round=1, started_at=STARTED, tasks=[
        c.ImplementationTask(task_id=uuid4(), description="改造", responsible_party="社区", deadline=DEADLINE)])


def _china_noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, tzinfo=UTC)


@pytest.mark.parametrize("settings_first", [True, False])
async def test_a_three_day_grace_keeps_a_round_off_the_overdue_count_next_door_to_one_on_it(
        make_database, settings_first: bool) -> None:
    settings = [_settings(QINGBOMEN, "community", 3, STARTED - timedelta(days=30)),
                _settings(STREET, "street", 5, STARTED + timedelta(seconds=1))]  # after the start: not for it
    starts = [_started(QINGBOMEN), _started(LAODONGLU)]
    events = settings + starts if settings_first else starts + settings
    projection = build_projection(None)  # type: ignore[arg-type]  # reactions are not run here
    conn = await connect(make_database("publication"))
    try:
        for event in events:
            async with conn.transaction():
                await apply_once(conn, projection, [Envelope.wrap(event, source="/yishi/test")], service="publication",
                                 reactions=False)
        views = SqlLedgerViews(conn)

        async def overdue(as_of: date) -> dict[str, int]:
            by_community = await views.figures(STREET[:9], *YEAR, _china_noon(as_of), 12)
            by_district = await views.figures(DISTRICT[:6], *YEAR, _china_noon(as_of), 6)  # the rollup's path
            assert sum(f["implementations_overdue"] for f in by_community.values()) == \
                by_district[DISTRICT[:6]]["implementations_overdue"]
            return {g: f["implementations_overdue"] for g, f in by_community.items()}

        assert await overdue(DEADLINE + timedelta(days=1)) == {QINGBOMEN: 0, LAODONGLU: 1}
        assert await overdue(DEADLINE + timedelta(days=3)) == {QINGBOMEN: 0, LAODONGLU: 1}  # the grace's last day
        assert await overdue(DEADLINE + timedelta(days=4)) == {QINGBOMEN: 1, LAODONGLU: 1}
    finally:
        await conn.close()


async def test_the_sql_grace_is_effective_at_s(make_database) -> None:
    """Random histories with nulls (inherit), ties of effective_from and of recorded_at."""
    rng = random.Random(8)
    conn = await connect(make_database("publication"))
    base = datetime(2026, 1, 1, tzinfo=UTC)
    try:
        rows = []
        for code in (DISTRICT, STREET, QINGBOMEN, LAODONGLU):
            for _ in range(rng.randrange(0, 6)):
                rows.append((uuid4(), code, rng.choice((None, 0, 2, 3, 7)), base + timedelta(days=rng.randrange(0, 6)),
                             base + timedelta(hours=rng.randrange(0, 3))))
        await conn.executemany(
            "INSERT INTO registry_settings (event_id, code, overdue_grace_days, effective_from, recorded_at) "
            "VALUES ($1, $2, $3, $4, $5)", rows)
        sql = f"SELECT {grace_days('r')} FROM (SELECT $1::text AS community_id, $2::timestamptz AS round_started_at) r"
        for community in (QINGBOMEN, LAODONGLU, STREET, DISTRICT):
            for day in range(-1, 7):
                at = base + timedelta(days=day, hours=rng.choice((0, 5)))
                expected = (await effective_at(conn, community, at)).overdue_grace_days.value
                assert await conn.fetchval(sql, community, at) == expected, (community, at)
    finally:
        await conn.close()



async def test_the_migration_takes_the_current_rounds_start_from_the_board(make_database) -> None:
    url = make_database("publication")
    migrate.downgrade("publication", url, "publication_0008")
    topic, second_round = uuid4(), STARTED + timedelta(days=40)
    conn = await connect(url)
    try:
        await conn.execute("INSERT INTO board (topic_id, community_id, implementation_started_at, implementation_round) "
                           "VALUES ($1, $2, $3, 2)", topic, QINGBOMEN, second_round)
        await conn.execute("INSERT INTO ledger_topics (topic_id, community_id, implementation_started_at, "
                           "implementation_round, implementation_deadline) VALUES ($1, $2, $3, 2, $4)",
                           topic, QINGBOMEN, STARTED, DEADLINE)
        migrate.upgrade("publication", url)
        assert await conn.fetchval("SELECT round_started_at FROM ledger_topics WHERE topic_id = $1", topic) == second_round
    finally:
        await conn.close()
