"""The ledger's monthly rollup per district: what a city's or a district's figures are summed from.

Each fact row contributes to (district, month in China time, figure): +1 to a count in the month
of its step's time, its ratings to the satisfaction sums, and whole days from submission to a
step's histogram (``days``; -1 for plain counts), from which a median is read. A batch first
subtracts its rows' contributions, writes the rows, then adds them again, with the rows locked
(created empty first if new), so concurrent writers of one topic take turns and the rollup stays
the sum of the rows. A month is the smallest period, so every period is a range of months.
"""

from collections.abc import Sequence
from typing import Any

import asyncpg

from .figures import DECIDING_SCREENING, MEETING_DECISION

DISTRICT_DIGITS = 6
"""A district's rollup rows are few (a year: some thousands), so a city sums only tens of
thousands; a street or a community is counted from its fact rows, a few thousand at most."""


def _when(condition: str, at: str) -> str:
    return f"CASE WHEN {condition} THEN {at} END"


def _days(at: str) -> str:
    return f"floor(extract(epoch FROM ({at}) - submitted_at) / 86400)::int"


def _topic_contributions() -> list[tuple[str, str, str, str]]:
    """(figure, time, days, amount) of a topic row, each a SQL expression over the row."""
    from yishi_contracts import Category, Channel, EscalationKind, ExclusionReason, TopicSource

    one = "1"
    rows = [("received", "submitted_at", "-1", one)]
    rows += [(f"received_{s.value}", _when(f"source = '{s.value}'", "submitted_at"), "-1", one) for s in TopicSource]
    rows += [(f"received_{c.value}", _when(f"channel = '{c.value}'", "submitted_at"), "-1", one) for c in Channel]
    rows += [("accepted", "accepted_at", "-1", one)]
    rows += [(f"accepted_{k.value}", _when(f"category = '{k.value}'", "accepted_at"), "-1", one) for k in Category]
    rows += [("rejected", "rejected_at", "-1", one)]
    rows += [(f"rejected_{r.value}", _when(f"exclusion_reason = '{r.value}'", "rejected_at"), "-1", one)
             for r in ExclusionReason]
    rows += [(key, column, "-1", one) for key, column in (
        ("merged", "merged_at"), ("returned", "returned_at"), ("decided_at_meeting", MEETING_DECISION),
        ("adopted", "adopted_at"), ("deferred", "deferred_at"), ("dropped", "dropped_at"),
        ("disclosed", "disclosed_at"), ("objections_upheld", "objection_upheld_at"),
        ("implementations_started", "implementation_started_at"), ("implementations_completed", "completed_at"),
        ("closed", "closed_at"), ("escalated", "escalated_at"))]
    rows += [("researched_before_meeting", _when(f"researched_at <= {MEETING_DECISION}", MEETING_DECISION), "-1", one),
             ("completed_on_time", _when("completed_on_time", "completed_at"), "-1", one)]
    rows += [(f"escalated_{k.value}", _when(f"escalation_kind = '{k.value}'", "escalated_at"), "-1", one)
             for k in EscalationKind]
    rows += [(key, "rated_at", "-1", f"coalesce({key}, 0)") for key in ("satisfied", "basically_satisfied", "dissatisfied")]
    rows += [(key, _when("submitted_at IS NOT NULL", at), _days(at), one) for key, at in (
        ("median_days_to_screening", DECIDING_SCREENING), ("median_days_to_meeting", MEETING_DECISION),
        ("median_days_to_completion", "completed_at"))]
    return rows


_MEETING_CONTRIBUTIONS = [
    ("meetings_held", "held_at", "-1", "1"),
    ("fixed_members_expected", "held_at", "-1", "coalesce(fixed_members_total, 0)"),
    ("fixed_members_present", "held_at", "-1", "coalesce(fixed_members_present, 0)"),
    ("invitees_present", "held_at", "-1", "coalesce(invitees_present, 0)"),
]


def _contributions_sql(table: str, key: str, contributions: list[tuple[str, str, str, str]],
                       rows: str = "r.{key} = ANY($1)") -> str:
    values = ", ".join(f"('{f}', {at}, {days}, ({n})::bigint)" for f, at, days, n in contributions)
    return f"""
        INSERT INTO ledger_months AS m (district, month, figure, days, n)
        SELECT left(r.community_id, {DISTRICT_DIGITS}),
               date_trunc('month', v.at AT TIME ZONE 'Asia/Shanghai')::date, v.figure, v.days, {"$2::int * " if "$1" in rows else ""}sum(v.n)
        FROM {table} r CROSS JOIN LATERAL (VALUES {values}) AS v(figure, at, days, n)
        WHERE {rows.format(key=key)} AND v.at IS NOT NULL AND v.n <> 0
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4  -- rows locked in one order by every writer: no deadlock
        ON CONFLICT (district, month, figure, days) DO UPDATE SET n = m.n + EXCLUDED.n
    """


_OBJECTION_CONTRIBUTIONS = [
    ("objections_raised", "raised_at", "-1", "1"),
    ("objections_substantive", _when("substantive", "assessed_at"), "-1", "1"),
    ("objections_dismissed", _when("NOT substantive", "assessed_at"), "-1", "1"),
]


CONTRIBUTIONS_SQL = {
    "ledger_topics": _contributions_sql("ledger_topics", "topic_id", _topic_contributions()),
    "ledger_meetings": _contributions_sql("ledger_meetings", "meeting_id", _MEETING_CONTRIBUTIONS),
    "ledger_objections": _contributions_sql("ledger_objections", "objection_id", _OBJECTION_CONTRIBUTIONS),
}


SUMMED_SQL = {
    "ledger_topics": _contributions_sql("ledger_topics", "topic_id", _topic_contributions(), rows="true"),
    "ledger_meetings": _contributions_sql("ledger_meetings", "meeting_id", _MEETING_CONTRIBUTIONS, rows="true"),
    "ledger_objections": _contributions_sql("ledger_objections", "objection_id", _OBJECTION_CONTRIBUTIONS,
                                            rows="true"),
}
"""The rollup of every row at once, for rows written without the projection (the benchmark's COPY)."""


async def lock(conn: asyncpg.Connection, table: str, key: str, rows: Sequence[dict[str, Any]]) -> list[Any]:
    """Create the rows still missing (empty: they contribute nothing) and lock them all."""
    rows = sorted(rows, key=lambda r: r[key])  # locked in key order by every writer: no deadlock
    keys = [r[key] for r in rows]
    await conn.execute(
        f"INSERT INTO {table} ({key}, community_id) SELECT * FROM unnest($1::uuid[], $2::text[]) "
        f"ON CONFLICT DO NOTHING", keys, [r["community_id"] for r in rows])
    await conn.execute(f"SELECT 1 FROM {table} WHERE {key} = ANY($1::uuid[]) ORDER BY {key} FOR UPDATE", keys)
    return keys


async def add(conn: asyncpg.Connection, table: str, keys: list[Any], sign: int) -> None:
    await conn.execute(CONTRIBUTIONS_SQL[table], keys, sign)
