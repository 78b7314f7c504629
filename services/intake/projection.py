"""Intake's progress view: what a resident sees behind their receipt code (办理进度).

Kept from every service's public events. The procedure loops (deferred back to research,
returned by an objection, reopened after a "不满意"), so the current status is the step
of the most recent event by its time, whatever order events from different Kafka topics
arrive in; every step is kept in the history, in time order.
"""

from collections.abc import Callable
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


# Each public event: the step it marks, what the resident reads, and the details shown.
STEPS: dict[type, tuple[str, Callable[[Any], str], Callable[[Any], dict[str, Any]]]] = {
    TopicSubmitted: ("submitted", lambda e: "已收集，待确定议题", lambda e: {}),
    TopicResubmitted: ("resubmitted", lambda e: "已补充材料，待重新确定议题", lambda e: {}),
    ResearchCompleted: ("researched", lambda e: "议前调研已完成，待协商", lambda e: {"feasibility": e.feasibility}),
    ResearchReopened: ("researching", lambda e: "重新调研", lambda e: {"reason": e.reason}),
    ResolutionAdopted: ("resolved", lambda e: "已形成协商意见", lambda e: {"resolution": e.text}),
    TopicDeferred: ("deferred", lambda e: "暂缓协商，退回调研", lambda e: {"reason": e.reason}),
    TopicDropped: ("dropped", lambda e: "不再协商", lambda e: {"reason": e.reason}),
    DisclosureStarted: ("in_disclosure", lambda e: "公示中，可提出异议", lambda e: {"ends_at": e.ends_at.isoformat()}),
    TopicReturnedToCouncil: (
        "returned_to_council", lambda e: "异议成立，退回协商议事会", lambda e: {"assessment": e.assessment}
    ),
    ImplementationStarted: ("implementing", lambda e: "组织落实中", lambda e: {"round": e.round}),
    ImplementationCompleted: ("implemented", lambda e: "已落实，待满意度测评", lambda e: {"on_time": e.on_time}),
    ImplementationReopened: ("reopened", lambda e: "群众不满意，重新办理", lambda e: {"reason": e.reason}),
    TopicClosed: ("closed", lambda e: "已办结", lambda e: {"ratings": e.ratings.model_dump()}),
    MatterEscalated: ("escalated", lambda e: f"已转化为{label_zh(e.kind)}，报送县政协", lambda e: {"kind": e.kind}),
}


def _register(event_type: type) -> None:
    status, label, details = STEPS[event_type]

    async def step(conn: asyncpg.Connection, envelope: Envelope[Any]) -> None:
        title = envelope.data.title if isinstance(envelope.data, TopicSubmitted) else None
        await record_step(conn, envelope, status, label(envelope.data), title=title, **details(envelope.data))

    progress.on(event_type)(step)


for _event_type in STEPS:
    _register(_event_type)


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


@progress.on(MeetingScheduled)
async def _scheduled(conn: asyncpg.Connection, e: Envelope[MeetingScheduled]) -> None:
    when = e.data.scheduled_for.isoformat()
    for topic_id in e.data.topic_ids:
        await record_step(conn, e, "scheduled", f"已列入协商议事会议（{e.data.place}）", topic_id=topic_id, meeting_at=when)
