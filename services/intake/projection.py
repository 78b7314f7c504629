"""Intake's progress view: what a resident sees behind their receipt code (办理进度).

Kept from every service's public events about a topic's life. Each event adds its step to
the topic's history; the status is derived from the whole history (``yishi_contracts.lifecycle``),
so it does not depend on the order events from different Kafka topics arrive in.
"""

from typing import Any

import asyncpg
from yishi_contracts import STREAMS, Envelope
from yishi_contracts.lifecycle import LIFECYCLE_EVENTS

from services.kit import registry
from services.kit.projection import Projection

from .adapters import progress as topic_progress
from .domain.progress import steps_of

progress = Projection("topic_progress", tables=["topic_progress", *registry.TABLES],
                      topics=[stream.topic for stream in STREAMS])
"""Kept from all four services' streams: every one publishes steps of a topic's life; and the
registry's replica, which says which communities take topics in."""
registry.keep_registry(progress)


async def on_topic_step(conn: asyncpg.Connection, envelopes: list[Envelope[Any]]) -> None:
    """Every event of a topic's life marks a step of its progress (a meeting's, one per topic):
    a batch's steps of every kind are written together."""
    await topic_progress.record(conn, [step for e in envelopes for step in steps_of(e.data, e.time)])


progress.on_batch(*LIFECYCLE_EVENTS)(on_topic_step)
"""Every event of a topic's life (``lifecycle.LIFECYCLE_EVENTS``) marks a step."""
