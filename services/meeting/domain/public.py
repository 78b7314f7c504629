"""The public events that go with the meeting's own (公开事件).

The meeting keeps its private facts (with the chair and the rules in force); other services
and outside subscribers learn of a convened meeting, a deferral or a dropping from the
public contracts. ``with_public`` puts each public companion right after its private
fact, so both are recorded in the same stream and transaction.
"""

from collections.abc import Iterable

import yishi_contracts as public

from . import events as private

COMPANIONS = (public.MeetingScheduled, public.TopicDeferred, public.TopicDropped)
"""Public events stored beside their private facts; folding a meeting ignores them."""


def with_public(community_id: str, events: Iterable[object]) -> list[object]:
    """The private events, each followed by its public companion where it has one."""
    out: list[object] = []
    for event in events:
        out.append(event)
        match event:
            case private.MeetingConvened():
                out.append(
                    public.MeetingScheduled(
                        community_id=event.community_id, meeting_id=event.meeting_id, council_id=event.council_id,
                        scheduled_for=event.scheduled_for, place=event.place, topic_ids=list(event.agenda),
                    )
                )
            case private.AgendaItemDeferred():
                out.append(
                    public.TopicDeferred(
                        topic_id=event.topic_id, community_id=community_id, meeting_id=event.meeting_id,
                        reason=event.reason, deferred_at=event.at,
                    )
                )
            case private.AgendaItemDropped():
                out.append(
                    public.TopicDropped(
                        topic_id=event.topic_id, community_id=community_id, meeting_id=event.meeting_id,
                        reason=event.reason, dropped_at=event.at,
                    )
                )
    return out
