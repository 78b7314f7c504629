"""``--scenario ledger``: the 台账's query times over a city-sized ledger.

Seeds 5,000 communities under 200 streets (25 each) under 10 districts, 100 topics each
(500,000 topic rows), their meetings and the divisions' overdue graces, straight into the ledger's tables with COPY (the
fact rows the projection would keep; replaying 5 million events through Kafka is the
backbone scenario's business, not this one's), sums the monthly rollup from them in SQL as the
projection would have kept it, VACUUM ANALYZEs (as autovacuum would have), then times the year's figures of the
whole city, a district and a street (and the street's communities side by side) as the HTTP route
reads them: p50 and p99 over repeated reads. Goal: the city's figure well under a second.
"""

import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

from services.kit.db import connect
from services.publication.ledger import rollup
from services.publication.ledger.queries import SqlLedgerViews
from services.publication.ledger.report import read_ledger
from services.publication.ledger.rules import Division, Level, Period
from services.system import migrate

from . import leftovers

DISTRICTS, STREETS_PER_DISTRICT, COMMUNITIES_PER_STREET, TOPICS = 10, 20, 25, 100
YEAR = Period.parse("2026")
NOW = datetime(2027, 1, 15, tzinfo=UTC)
SOURCES, CHANNELS = ("party_government", "council_member", "resident"), (
    "service_station", "household_visit", "grid", "phone", "online")
CATEGORIES = ("public_welfare", "vulnerable_groups", "livelihood", "public_order", "environment",
              "public_facilities", "road_traffic")
REASONS = ("prescribed_by_law", "mandated_by_party_government", "unfair", "serious_disagreement", "beyond_authority",
           "infeasible", "individual_dispute")


def communities() -> list[str]:
    return [f"3301{d:02d}{s:03d}{c:03d}" for d in range(2, 2 + DISTRICTS) for s in range(1, 1 + STREETS_PER_DISTRICT)
            for c in range(1, 1 + COMMUNITIES_PER_STREET)]


def _topic(rng: random.Random, community: str) -> tuple[tuple, tuple | None]:
    at = datetime(2025, 11, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(0, 420 * 24 * 60))
    step = lambda: at + timedelta(days=rng.uniform(1, 30))  # noqa: E731
    row: dict = dict(topic_id=uuid.uuid4(), community_id=community, source=rng.choice(SOURCES),
                     channel=rng.choice(CHANNELS), submitted_at=at)
    fate, meeting = rng.random(), None
    if fate < 0.1:
        row.update(returned_at=step())
    if fate < 0.2:
        row.update(rejected_at=step(), exclusion_reason=rng.choice(REASONS))
    elif fate < 0.25:
        row.update(merged_at=step())
    elif fate < 0.95:
        at = step()
        row.update(accepted_at=at, category=rng.choice(CATEGORIES))
        at = step()
        row.update(researched_at=at)
        at = step()
        decision = rng.random()
        kind = "adopted_at" if decision < 0.8 else "deferred_at" if decision < 0.9 else "dropped_at"
        row[kind] = at
        meeting = (uuid.uuid4(), community, at, 9, rng.randrange(6, 10), rng.randrange(0, 4))
        if kind == "adopted_at":
            at = step()
            row.update(disclosed_at=at)
            at = at + timedelta(days=7)
            row.update(implementation_started_at=at, implementation_round=1, round_started_at=at,
                       implementation_deadline=(at + timedelta(days=rng.randrange(10, 60))).date())
            if rng.random() < 0.8:
                at = step()
                row.update(completed_at=at, completed_round=1,
                           completed_on_time=at.date() <= row["implementation_deadline"])
                at = step()
                row.update(rated_at=at, closed_at=at, satisfied=rng.randrange(0, 8),
                           basically_satisfied=rng.randrange(0, 4), dissatisfied=rng.randrange(0, 2))
    if rng.random() < 0.03:
        row.update(escalated_at=step(), escalation_kind="cppcc_proposal")
    return tuple(row.get(c) for c in COLUMNS), meeting


COLUMNS = ("topic_id", "community_id", "source", "channel", "submitted_at", "accepted_at", "rejected_at", "merged_at",
           "returned_at", "category", "exclusion_reason", "researched_at", "adopted_at", "deferred_at", "dropped_at",
           "disclosed_at", "implementation_started_at", "implementation_round", "implementation_deadline",
           "round_started_at", "completed_at", "completed_round", "completed_on_time", "rated_at", "satisfied", "basically_satisfied",
           "dissatisfied", "closed_at", "escalated_at", "escalation_kind")
MEETING_COLUMNS = ("meeting_id", "community_id", "held_at", "fixed_members_total", "fixed_members_present",
                   "invitees_present")


SETTINGS_COLUMNS = ("event_id", "code", "overdue_grace_days", "effective_from", "recorded_at")


def _graces(rng: random.Random, codes: list[str]) -> list[tuple]:
    """Overdue graces (逾期宽限) the overdue count reads: every district sets one, a third of the
    streets and a fifth of the communities set or give back (null) their own, some twice a year."""
    lineage = {code[:6] + "000000" for code in codes} | {code[:9] + "000" for code in codes}
    rows = []
    for code in sorted(lineage) + codes:
        if code.endswith("000000") or rng.random() < (1 / 3 if code.endswith("000") else 1 / 5):
            for _ in range(rng.randrange(1, 3)):
                at = datetime(2025, 11, 1, tzinfo=UTC) + timedelta(days=rng.randrange(0, 400))
                rows.append((uuid.uuid4(), code, rng.choice((None, 0, 3, 7)), at, at))
    return rows


async def seed(url: str) -> tuple[int, int, float]:
    rng = random.Random(2026)
    conn = await connect(url)
    started = time.perf_counter()
    topics = meetings = 0
    try:
        codes = communities()
        for i in range(0, len(codes), 250):  # 25,000 topics per COPY
            rows, meeting_rows = [], []
            for community in codes[i:i + 250]:
                for _ in range(TOPICS):
                    row, meeting = _topic(rng, community)
                    rows.append(row)
                    if meeting:
                        meeting_rows.append(meeting)
            await conn.copy_records_to_table("ledger_topics", records=rows, columns=COLUMNS)
            await conn.copy_records_to_table("ledger_meetings", records=meeting_rows, columns=MEETING_COLUMNS)
            topics, meetings = topics + len(rows), meetings + len(meeting_rows)
        await conn.copy_records_to_table("registry_settings", records=_graces(rng, codes), columns=SETTINGS_COLUMNS)
        for summed in rollup.SUMMED_SQL.values():  # the monthly rollup the projection would have kept
            await conn.execute(summed)
        for table in ("ledger_topics", "ledger_meetings", "ledger_months", "registry_settings"):  # as autovacuum would have by now
            await conn.execute(f"VACUUM ANALYZE {table}")
    finally:
        await conn.close()
    return topics, meetings, time.perf_counter() - started


async def _times(views: SqlLedgerViews, division: Division, runs: int, levels: tuple[Level, ...] = ()) -> list[float]:
    spent = []
    for _ in range(runs):
        started = time.perf_counter()
        await read_ledger(views, division, YEAR, now=NOW, levels=levels)
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(infra, runs: int = 20) -> dict[str, float]:
    database = f"bench_ledger_{uuid.uuid4().hex[:6]}"
    url = infra.create_database(database)
    migrate.upgrade("publication", url)
    topics, meetings, seconds = await seed(url)
    print(f"seeded {topics} topic rows and {meetings} meeting rows by COPY in {seconds:.1f} s")
    conn = await connect(url)
    try:
        views = SqlLedgerViews(conn)
        city = Division("city", Level.city, "3301")
        street = Division.parse("330105011000")
        await _times(views, city, 2)  # warm the cache
        figures = {}
        for name, division, n, levels in (("city year", city, runs, ()),
                                          ("district year", Division.parse("330107000000"), runs, ()),
                                          ("street year", street, runs * 5, ()),
                                          ("street year + its 25 communities", street, runs * 5, (Level.community,))):
            spent = await _times(views, division, n, levels)
            figures[f"{name} p50 ms"], figures[f"{name} p99 ms"] = statistics.median(spent), _p(spent, 0.99)
        return figures
    finally:
        await conn.close()
        await leftovers.drop_databases(infra, [database])  # half a million rows: not left behind
