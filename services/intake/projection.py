"""Intake's progress view: what a resident sees behind their receipt code (办理进度).

Kept from every service's public events. The procedure loops (deferred back to research,
returned by an objection, reopened after a "不满意"), so the current status is the step
of the most recent event by its time, whatever order events from different Kafka topics
arrive in; every step is kept in the history, in time order.
"""

from typing import Any

import asyncpg
from yishi_contracts import (
    COUNCIL,
    INTAKE,
    MEETING,
    PUBLICATION,
    DisclosureStarted,
    Envelope,
    ImplementationCompleted,
    ImplementationReopened,
    ImplementationStarted,
    MatterEscalated,
    MeetingScheduled,
    ResearchCompleted,
    ResearchReopened,
    ResolutionAdopted,
    TopicClosed,
    TopicDeferred,
    TopicDropped,
    TopicResubmitted,
    TopicReturnedToCouncil,
    TopicScreened,
    TopicSubmitted,
    label_zh,
)

from services.kit.projection import Projection

progress = Projection(
    "topic_progress", tables=["topic_progress"], topics=[INTAKE.topic, COUNCIL.topic, MEETING.topic, PUBLICATION.topic]
)


async def record_step(
    conn: asyncpg.Connection,
    envelope: Envelope[Any],
    status: str,
    label: str,
    *,
    topic_id: Any = None,
    title: str | None = None,
    **details: Any,
) -> None:
    step = {"step": status, "label_zh": label, "at": envelope.time.isoformat(), **{k: v for k, v in details.items() if v is not None}}
    await conn.execute(
        """
        INSERT INTO topic_progress (topic_id, community_id, title, status, status_rank, history, updated_at)
        VALUES ($1, $2, $3, $4, 0, jsonb_build_array($5::jsonb), $6)
        ON CONFLICT (topic_id) DO UPDATE SET
            title = coalesce(EXCLUDED.title, topic_progress.title),
            status = CASE WHEN EXCLUDED.updated_at >= topic_progress.updated_at
                          THEN EXCLUDED.status ELSE topic_progress.status END,
            history = (SELECT jsonb_agg(h ORDER BY h->>'at')
                       FROM jsonb_array_elements(topic_progress.history || $5::jsonb) h),
            updated_at = greatest(EXCLUDED.updated_at, topic_progress.updated_at)
        """,
        topic_id or envelope.data.topic_id,
        envelope.data.community_id,
        title,
        status,
        step,
        envelope.time,
    )


@progress.on(TopicSubmitted)
async def _submitted(conn: asyncpg.Connection, e: Envelope[TopicSubmitted]) -> None:
    await record_step(conn, e, "submitted", "已收集，待确定议题", title=e.data.title)


@progress.on(TopicResubmitted)
async def _resubmitted(conn: asyncpg.Connection, e: Envelope[TopicResubmitted]) -> None:
    await record_step(conn, e, "resubmitted", "已补充材料，待重新确定议题")


@progress.on(TopicScreened)
async def _screened(conn: asyncpg.Connection, e: Envelope[TopicScreened]) -> None:
    d = e.data.decision
    if d.outcome == "accepted":
        await record_step(conn, e, "accepted", f"已立项：{label_zh(d.category)}", category=d.category)
    elif d.outcome == "rejected":
        await record_step(
            conn, e, "rejected", f"不予协商：{label_zh(d.reason)}",
            reason=d.reason, explanation=d.explanation, referral=d.referral,
            referral_zh=label_zh(d.referral) if d.referral else None, referral_note=d.referral_note,
        )
    elif d.outcome == "merged":
        await record_step(conn, e, "merged", "与已有议题合并办理", merged_into=str(d.merged_into), note=d.note)
    else:
        await record_step(conn, e, "returned", "请补充材料", details_requested=d.details_requested)


@progress.on(ResearchCompleted)
async def _researched(conn: asyncpg.Connection, e: Envelope[ResearchCompleted]) -> None:
    await record_step(conn, e, "researched", "议前调研已完成，待协商", feasibility=e.data.feasibility)


@progress.on(ResearchReopened)
async def _research_reopened(conn: asyncpg.Connection, e: Envelope[ResearchReopened]) -> None:
    await record_step(conn, e, "researching", "重新调研", reason=e.data.reason)


@progress.on(MeetingScheduled)
async def _scheduled(conn: asyncpg.Connection, e: Envelope[MeetingScheduled]) -> None:
    when = e.data.scheduled_for.isoformat()
    for topic_id in e.data.topic_ids:
        await record_step(conn, e, "scheduled", f"已列入协商议事会议（{e.data.place}）", topic_id=topic_id, meeting_at=when)


@progress.on(ResolutionAdopted)
async def _resolved(conn: asyncpg.Connection, e: Envelope[ResolutionAdopted]) -> None:
    await record_step(conn, e, "resolved", "已形成协商意见", resolution=e.data.text)


@progress.on(TopicDeferred)
async def _deferred(conn: asyncpg.Connection, e: Envelope[TopicDeferred]) -> None:
    await record_step(conn, e, "deferred", "暂缓协商，退回调研", reason=e.data.reason)


@progress.on(TopicDropped)
async def _dropped(conn: asyncpg.Connection, e: Envelope[TopicDropped]) -> None:
    await record_step(conn, e, "dropped", "不再协商", reason=e.data.reason)


@progress.on(DisclosureStarted)
async def _disclosed(conn: asyncpg.Connection, e: Envelope[DisclosureStarted]) -> None:
    await record_step(conn, e, "in_disclosure", "公示中，可提出异议", ends_at=e.data.ends_at.isoformat())


@progress.on(TopicReturnedToCouncil)
async def _returned_to_council(conn: asyncpg.Connection, e: Envelope[TopicReturnedToCouncil]) -> None:
    await record_step(conn, e, "returned_to_council", "异议成立，退回协商议事会", assessment=e.data.assessment)


@progress.on(ImplementationStarted)
async def _implementing(conn: asyncpg.Connection, e: Envelope[ImplementationStarted]) -> None:
    await record_step(conn, e, "implementing", "组织落实中", round=e.data.round)


@progress.on(ImplementationCompleted)
async def _implemented(conn: asyncpg.Connection, e: Envelope[ImplementationCompleted]) -> None:
    await record_step(conn, e, "implemented", "已落实，待满意度测评", on_time=e.data.on_time)


@progress.on(ImplementationReopened)
async def _reopened(conn: asyncpg.Connection, e: Envelope[ImplementationReopened]) -> None:
    await record_step(conn, e, "reopened", "群众不满意，重新办理", reason=e.data.reason)


@progress.on(TopicClosed)
async def _closed(conn: asyncpg.Connection, e: Envelope[TopicClosed]) -> None:
    await record_step(conn, e, "closed", "已办结", ratings=e.data.ratings.model_dump())


@progress.on(MatterEscalated)
async def _escalated(conn: asyncpg.Connection, e: Envelope[MatterEscalated]) -> None:
    await record_step(conn, e, "escalated", f"已转化为{label_zh(e.data.kind)}，报送县政协", kind=e.data.kind)
