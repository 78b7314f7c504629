"""The CloudEvents 1.0 envelope every event travels in.

On Kafka it uses the binary content mode (``ce_*`` headers, the data as the JSON body,
the consultation topic's id as the message key). The attribute names below are the
CloudEvents ones; the extensions carry what Yishi needs to trace and route an event.
"""

from datetime import UTC, datetime
from typing import Generic, Literal, TypeVar
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field

from .base import AwareDatetime, CommunityId, Event

E = TypeVar("E", bound=Event)


class Envelope(BaseModel, Generic[E]):
    model_config = ConfigDict(frozen=True)

    id: UUID = Field(default_factory=uuid4)
    source: str
    """The producing service as a URI reference, e.g. ``/yishi/intake``."""
    type: str
    specversion: Literal["1.0"] = "1.0"
    time: AwareDatetime
    subject: str
    """The stream this event belongs to: the consultation topic's id (or the council's, the meeting's)."""
    datacontenttype: Literal["application/json"] = "application/json"
    communityid: CommunityId
    correlationid: UUID
    """The id shared by every event caused, directly or not, by one original request."""
    causationid: UUID | None = None
    """The id of the event (or request) that directly caused this one."""
    schemaversion: int
    traceparent: str | None = None
    """W3C trace context of the work that recorded the event (CloudEvents distributed-tracing
    extension, ``ce_traceparent`` on Kafka), so a trace follows the event across services."""
    tracestate: str | None = None
    """Vendor-specific trace state that goes with ``traceparent`` (``ce_tracestate``)."""
    data: E

    @classmethod
    def wrap(
        cls,
        event: E,
        *,
        source: str,
        correlation_id: UUID | None = None,
        causation_id: UUID | None = None,
        event_id: UUID | None = None,
        time: datetime | None = None,
    ) -> "Envelope[E]":
        """Put an event in its envelope; a new request starts its own correlation."""
        event_id = event_id or uuid4()
        return cls(
            id=event_id,
            source=source,
            type=event.cloudevent_type(),
            time=time or datetime.now(UTC),
            subject=event.subject(),
            communityid=event.community_id,
            correlationid=correlation_id or event_id,
            causationid=causation_id,
            schemaversion=event.version,
            data=event,
        )

    def caused(self, event: E, *, source: str, time: datetime | None = None) -> "Envelope[E]":
        """The envelope of an event that this one caused: same correlation, this as cause."""
        return Envelope.wrap(event, source=source, correlation_id=self.correlationid, causation_id=self.id, time=time)
