"""The publication domain (公开公示、组织落实、成果转化): pure rules, no I/O; time is always passed in."""

from .disclosure import (
    CLEARED_FOR_IMPLEMENTATION,
    RETURNED_TO_COUNCIL,
    Disclosure,
    DisclosureConcluded,
    DisclosureEvent,
    DisclosurePolicy,
    DisclosureReturnedToCouncil,
    DisclosureStarted,
    Objection,
    ObjectionAssessed,
    ObjectionRaised,
    publish,
)
from .escalation import (
    COUNTY_CPPCC,
    Escalation,
    EscalationEvent,
    EscalationGround,
    EscalationGroundRecorded,
    EscalationKind,
    MatterEscalated,
    ground_from_resolution,
    ground_from_screening,
)
from .implementation import (
    Implementation,
    ImplementationClosed,
    ImplementationCompleted,
    ImplementationEvent,
    ImplementationFigures,
    ImplementationReopened,
    ImplementationStarted,
    ProgressReported,
    SatisfactionRated,
    TaskCompleted,
    start,
)
from .refusal import CHINA_TIME, PublicationRefused
from .satisfaction import ClosingRule, Satisfaction, Verdict
from .task import Task, TaskSpec, local_day

__all__ = [
    "CHINA_TIME", "CLEARED_FOR_IMPLEMENTATION", "COUNTY_CPPCC", "RETURNED_TO_COUNCIL",
    "ClosingRule", "Disclosure", "DisclosureConcluded", "DisclosureEvent", "DisclosurePolicy",
    "DisclosureReturnedToCouncil", "DisclosureStarted", "Escalation", "EscalationEvent", "EscalationGround",
    "EscalationGroundRecorded", "EscalationKind", "Implementation", "ImplementationClosed",
    "ImplementationCompleted", "ImplementationEvent", "ImplementationFigures", "ImplementationReopened",
    "ImplementationStarted", "MatterEscalated", "Objection", "ObjectionAssessed", "ObjectionRaised",
    "ProgressReported", "PublicationRefused", "Satisfaction", "SatisfactionRated", "Task", "TaskCompleted",
    "TaskSpec", "Verdict", "ground_from_resolution", "ground_from_screening", "local_day", "publish", "start",
]
