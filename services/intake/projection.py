"""Intake's progress view: what a resident sees behind their receipt code (办理进度).

Kept from every service's public events about a topic's life. Each event adds its step to
the topic's history; the status is derived from the whole history (``yishi_contracts.lifecycle``),
so it does not depend on the order events from different Kafka topics arrive in.
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
)

from services.kit.projection import Projection

from .adapters import progress as topic_progress
from .domain.progress import steps_of

progress = Projection(
    "topic_progress", tables=["topic_progress"], topics=[INTAKE.topic, COUNCIL.topic, MEETING.topic, PUBLICATION.topic]
)


@progress.on(TopicSubmitted)
@progress.on(TopicResubmitted)
@progress.on(TopicScreened)
@progress.on(ResearchCompleted)
@progress.on(ResearchReopened)
@progress.on(MeetingScheduled)
@progress.on(TopicDeferred)
@progress.on(TopicDropped)
@progress.on(ResolutionAdopted)
@progress.on(DisclosureStarted)
@progress.on(TopicReturnedToCouncil)
@progress.on(ImplementationStarted)
@progress.on(ImplementationReopened)
@progress.on(ImplementationCompleted)
@progress.on(TopicClosed)
@progress.on(MatterEscalated)
async def on_topic_step(conn: asyncpg.Connection, envelope: Envelope[Any]) -> None:
    """Every event of a topic's life marks a step of its progress (a meeting's, one per topic)."""
    for step in steps_of(envelope.data, envelope.time):
        await topic_progress.record(conn, step)
