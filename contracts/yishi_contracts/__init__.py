"""Yishi (议事) public event contracts.

An outside subscriber (12345 hotline, grid governance, proposal systems, open data)
needs only this package: the codes, the event models, the CloudEvents envelope and the
topic registry. See ``schemas/`` and ``asyncapi/`` beside it for the exported documents.
"""

from .base import CommunityId, Event
from .codes import (
    Category,
    Channel,
    DecisionMethod,
    ExclusionReason,
    Feasibility,
    InviteeKind,
    Referral,
    SubmitterKind,
    TopicSource,
    label_zh,
)
from .envelope import Envelope
from .events.council import Accepted, Invitee, Merged, Rejected, ResearchCompleted, Returned, SiteVisit, TopicScreened
from .events.intake import TopicSubmitted
from .events.meeting import Attendance, Measure, ResolutionAdopted, Tally
from .registry import (
    COUNCIL,
    EVENT_TYPES,
    INTAKE,
    MEETING,
    PUBLICATION,
    STREAMS,
    Stream,
    UnknownEventType,
    UnsupportedEventVersion,
    dead_letter_topic,
    resolve,
    stream_of,
)

__all__ = [
    "Accepted", "Attendance", "COUNCIL", "Category", "Channel", "CommunityId", "DecisionMethod",
    "EVENT_TYPES", "Envelope", "Event", "ExclusionReason", "Feasibility", "INTAKE", "Invitee",
    "MEETING", "Measure", "Merged", "PUBLICATION", "Referral", "Rejected", "ResearchCompleted",
    "ResolutionAdopted", "Returned", "STREAMS", "SiteVisit", "Stream", "SubmitterKind", "Tally",
    "TopicScreened", "TopicSource", "TopicSubmitted", "UnknownEventType", "UnsupportedEventVersion",
    "dead_letter_topic", "label_zh", "resolve", "stream_of",
]
