"""The publication domain (公开公示、组织落实、成果转化): pure rules, no I/O; time is always passed in.

Its events are private (stored as ``publication.<Name>.v1``, never published); the public
contract events the outside world sees are derived from them in the service layer, and no
private event shares its name with a public one.
"""

from .disclosure import (
    CLEARED_FOR_IMPLEMENTATION,
    RETURNED_TO_COUNCIL,
    Disclosure,
    DisclosureConcluded,
    DisclosureEvent,
    DisclosurePolicy,
    DisclosureReturnedToCouncil,
    Objection,
    ObjectionAssessed,
    ObjectionRaised,
    ResolutionPublished,
    publish,
)
from .escalation import (
    COUNTY_CPPCC,
    Escalation,
    EscalationEvent,
    EscalationFiled,
    EscalationGroundRecorded,
    ground_from_resolution,
    ground_from_screening,
)
from .implementation import (
    Implementation,
    ImplementationClosed,
    ImplementationEvent,
    ImplementationFigures,
    ProgressReported,
    ResidentRated,
    RoundCompleted,
    RoundReopened,
    TaskCompleted,
    TasksAssigned,
    start,
)
from .receipt import ReceiptCheck, proven_code
from .refusal import CHINA_TIME, PublicationRefused, not_found
from .satisfaction import ClosingRule, Verdict
from .task import Task, TaskSpec, local_day

PRIVATE_EVENTS: tuple[type, ...] = (
    ResolutionPublished, ObjectionRaised, ObjectionAssessed, DisclosureReturnedToCouncil, DisclosureConcluded,
    TasksAssigned, ProgressReported, TaskCompleted, RoundCompleted, ResidentRated, ImplementationClosed, RoundReopened,
    EscalationGroundRecorded, EscalationFiled,
)
"""Every private event of the domain, for the service's event codec."""

__all__ = [
    "CHINA_TIME", "CLEARED_FOR_IMPLEMENTATION", "COUNTY_CPPCC", "PRIVATE_EVENTS", "RETURNED_TO_COUNCIL",
    "ClosingRule", "Disclosure", "DisclosureConcluded", "DisclosureEvent", "DisclosurePolicy",
    "DisclosureReturnedToCouncil", "Escalation", "EscalationEvent", "EscalationFiled", "EscalationGroundRecorded",
    "Implementation", "ImplementationClosed", "ImplementationEvent", "ImplementationFigures", "Objection",
    "ObjectionAssessed", "ObjectionRaised", "ProgressReported", "PublicationRefused", "ReceiptCheck", "ResidentRated",
    "ResolutionPublished", "RoundCompleted", "RoundReopened", "Task", "TaskCompleted", "TaskSpec", "TasksAssigned",
    "Verdict", "ground_from_resolution", "ground_from_screening", "local_day", "not_found", "proven_code", "publish", "start",
]
