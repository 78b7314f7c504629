"""Intake's progress view: what a resident sees behind their receipt code.

Kept from intake's own TopicSubmitted and council's screening, in whatever order they
arrive: each handler upserts, and a step's status never goes backwards.
"""

from typing import Any

import asyncpg
from yishi_contracts import COUNCIL, INTAKE, Envelope, ResearchCompleted, TopicScreened, TopicSubmitted, label_zh

from services.kit.projection import Projection

# A later step outranks an earlier one, whatever order the events arrive in.
RANK = {"submitted": 1, "returned": 2, "accepted": 3, "rejected": 3, "merged": 3, "researched": 4}

progress = Projection("topic_progress", tables=["topic_progress"], topics=[INTAKE.topic, COUNCIL.topic])


async def _record(conn: asyncpg.Connection, envelope: Envelope[Any], status: str, step: dict[str, Any], title: str | None = None) -> None:
    await conn.execute(
        """
        INSERT INTO topic_progress (topic_id, community_id, title, status, status_rank, history, updated_at)
        VALUES ($1, $2, $3, $4, $5, jsonb_build_array($6::jsonb), $7)
        ON CONFLICT (topic_id) DO UPDATE SET
            title = coalesce(EXCLUDED.title, topic_progress.title),
            status = CASE WHEN EXCLUDED.status_rank >= topic_progress.status_rank
                          THEN EXCLUDED.status ELSE topic_progress.status END,
            status_rank = greatest(EXCLUDED.status_rank, topic_progress.status_rank),
            history = (SELECT jsonb_agg(h ORDER BY h->>'at') FROM jsonb_array_elements(topic_progress.history || $6::jsonb) h),
            updated_at = greatest(EXCLUDED.updated_at, topic_progress.updated_at)
        """,
        envelope.data.topic_id,
        envelope.data.community_id,
        title,
        status,
        RANK[status],
        {"step": status, "at": envelope.time.isoformat(), **step},
        envelope.time,
    )


@progress.on(TopicSubmitted)
async def _submitted(conn: asyncpg.Connection, envelope: Envelope[TopicSubmitted]) -> None:
    await _record(conn, envelope, "submitted", {"label_zh": "已收集，待确定议题"}, title=envelope.data.title)


@progress.on(TopicScreened)
async def _screened(conn: asyncpg.Connection, envelope: Envelope[TopicScreened]) -> None:
    decision = envelope.data.decision
    step: dict[str, Any] = {"outcome": decision.outcome}
    if decision.outcome == "accepted":
        step |= {"label_zh": f"已立项：{label_zh(decision.category)}", "category": decision.category}
    elif decision.outcome == "rejected":
        step |= {
            "label_zh": f"不予协商：{label_zh(decision.reason)}",
            "reason": decision.reason,
            "explanation": decision.explanation,
            "referral": decision.referral,
            "referral_zh": label_zh(decision.referral) if decision.referral else None,
        }
    elif decision.outcome == "merged":
        step |= {"label_zh": "与已有议题合并办理", "merged_into": str(decision.merged_into)}
    else:
        step |= {"label_zh": "请补充材料", "details_requested": decision.details_requested}
    await _record(conn, envelope, decision.outcome, step)


@progress.on(ResearchCompleted)
async def _researched(conn: asyncpg.Connection, envelope: Envelope[ResearchCompleted]) -> None:
    await _record(conn, envelope, "researched", {"label_zh": "议前调研已完成，待协商"})
