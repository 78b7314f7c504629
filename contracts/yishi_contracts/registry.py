"""Which events exist, which Kafka topic carries them, and how to look a type up.

Kafka topics are one per producing service, keyed by the consultation topic's id so
that one topic's events stay in order (the registry's events by the division's code).
Consumers resolve a CloudEvents ``type`` here; a type that is not listed is unknown, a
known name with another version is unsupported.
"""

from dataclasses import dataclass

from .base import Event
from .events.council import CouncilCompositionChanged, ResearchCompleted, ResearchReopened, TopicScreened
from .events.intake import TopicResubmitted, TopicSubmitted
from .events.meeting import MeetingScheduled, ResolutionAdopted, TopicDeferred, TopicDropped
from .events.publication import (
    DisclosureStarted,
    ImplementationCompleted,
    ImplementationReopened,
    ImplementationStarted,
    MatterEscalated,
    ObjectionAssessed,
    ObjectionRaised,
    SatisfactionRated,
    TaskProgressed,
    TopicClosed,
    TopicReturnedToCouncil,
)
from .events.registry import CommunitySettingsChanged, DivisionRegistered, DivisionRenamed, DivisionRetired


@dataclass(frozen=True)
class Stream:
    """One producing service's Kafka topic and the events it carries."""

    service: str
    topic: str
    events: tuple[type[Event], ...]

    @property
    def source(self) -> str:
        return f"/yishi/{self.service}"


INTAKE = Stream("intake", "yishi.intake.v1", (TopicSubmitted, TopicResubmitted))
COUNCIL = Stream(
    "council",
    "yishi.council.v1",
    (
        CouncilCompositionChanged, TopicScreened, ResearchCompleted, ResearchReopened,
        DivisionRegistered, DivisionRenamed, DivisionRetired, CommunitySettingsChanged,
    ),
)
MEETING = Stream("meeting", "yishi.meeting.v1", (MeetingScheduled, ResolutionAdopted, TopicDeferred, TopicDropped))
PUBLICATION = Stream(
    "publication",
    "yishi.publication.v1",
    (
        DisclosureStarted,
        TopicReturnedToCouncil,
        ImplementationStarted,
        ImplementationCompleted,
        SatisfactionRated,
        TopicClosed,
        ImplementationReopened,
        MatterEscalated,
        ObjectionRaised,
        ObjectionAssessed,
        TaskProgressed,
    ),
)

STREAMS: tuple[Stream, ...] = (INTAKE, COUNCIL, MEETING, PUBLICATION)

EVENT_TYPES: dict[str, type[Event]] = {
    event.cloudevent_type(): event for stream in STREAMS for event in stream.events
}


def stream_of(service: str) -> Stream:
    for stream in STREAMS:
        if stream.service == service:
            return stream
    raise KeyError(service)


def dead_letter_topic(consumer_service: str) -> str:
    """Where a consumer parks what it cannot read, with the reason in the headers."""
    return f"yishi.{consumer_service}.dlq.v1"


class UnknownEventType(LookupError):
    pass


class UnsupportedEventVersion(LookupError):
    pass


def resolve(cloudevent_type: str, schema_version: str | int | None) -> type[Event]:
    """The model for a CloudEvents type, or UnknownEventType / UnsupportedEventVersion."""
    model = EVENT_TYPES.get(cloudevent_type)
    if model is None:
        name, _, version = cloudevent_type.rpartition(".v")
        if name and version.isdigit() and any(e.type_name == name for e in EVENT_TYPES.values()):
            raise UnsupportedEventVersion(f"{cloudevent_type}: version {version} is not supported")
        raise UnknownEventType(f"{cloudevent_type}: not a Yishi event type")
    if schema_version is not None and schema_version != model.version and str(schema_version) != str(model.version):
        raise UnsupportedEventVersion(
            f"{cloudevent_type}: schemaversion {schema_version} does not match {model.version}"
        )
    return model
