"""Disclosure (公开公示): an adopted resolution on the public board, open to objections.

The period starts when the resolution is published and lasts ``DisclosurePolicy.period``
(7 days unless the community configures otherwise); it is half-open: an objection at the
very instant the period ends is too late. Residents object (异议) anonymously with a text;
a council worker marks each objection substantive or not, with a reason. A substantive
objection ends the disclosure and sends the topic back to the council; otherwise, once the
period is over and every objection is assessed, the disclosure is concluded and
implementation may start.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from yishi_contracts import Measure, ResolutionAdopted

from .refusal import CHINA_TIME, INVALID, NOT_FOUND, PublicationRefused, clean_text, require_aware

RETURNED_TO_COUNCIL = "returned_to_council"
CLEARED_FOR_IMPLEMENTATION = "cleared_for_implementation"
OBJECTION_MIN_CHARS = 5
OBJECTION_MAX_CHARS = 1000
REASON_MIN_CHARS = 2
REASON_MAX_CHARS = 1000
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_CARD = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


@dataclass(frozen=True)
class DisclosurePolicy:
    """A community's disclosure settings: the period length (1 to 90 days as council's settings
    allow, default 7)."""

    period: timedelta = timedelta(days=7)

    def __post_init__(self) -> None:
        if not timedelta(days=1) <= self.period <= timedelta(days=90):
            raise PublicationRefused(
                "invalid_period", "公示期须在1天到90天之间", "the disclosure period must be between 1 and 90 days",
                kind=INVALID,
            )


@dataclass(frozen=True)
class ResolutionPublished:
    """The resolution went on the public board; the period runs until ``ends_at``."""

    topic_id: UUID
    community_id: str
    resolution_id: UUID
    measures: tuple[Measure, ...]
    published_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class ObjectionRaised:
    topic_id: UUID
    objection_id: UUID
    text: str
    raised_at: datetime


@dataclass(frozen=True)
class ObjectionAssessed:
    topic_id: UUID
    objection_id: UUID
    substantive: bool
    reason: str
    assessed_by: str
    assessed_at: datetime


@dataclass(frozen=True)
class DisclosureReturnedToCouncil:
    """A substantive objection sent the topic back to the council; the disclosure is over."""

    topic_id: UUID
    objection_id: UUID
    returned_at: datetime
    outcome: str = RETURNED_TO_COUNCIL


@dataclass(frozen=True)
class DisclosureConcluded:
    """The period ended without a substantive objection: implementation may start."""

    topic_id: UUID
    concluded_at: datetime
    outcome: str = CLEARED_FOR_IMPLEMENTATION


DisclosureEvent = ResolutionPublished | ObjectionRaised | ObjectionAssessed | DisclosureReturnedToCouncil | DisclosureConcluded


@dataclass(frozen=True)
class Objection:
    objection_id: UUID
    text: str
    raised_at: datetime
    substantive: bool | None = None
    reason: str | None = None

    @property
    def assessed(self) -> bool:
        return self.substantive is not None


def publish(resolution: ResolutionAdopted, *, now: datetime, policy: DisclosurePolicy | None = None) -> ResolutionPublished:
    """Put an adopted resolution on the public board; the period starts now."""
    require_aware(now)
    if now < resolution.adopted_at:
        raise PublicationRefused(
            "published_before_adoption",
            "协商意见形成之前不能公示",
            "a resolution cannot be published before it was adopted",
        )
    period = (policy or DisclosurePolicy()).period
    return ResolutionPublished(
        topic_id=resolution.topic_id,
        community_id=resolution.community_id,
        resolution_id=resolution.resolution_id,
        measures=tuple(resolution.measures),
        published_at=now,
        ends_at=now + period,
    )


@dataclass(frozen=True)
class Disclosure:
    """The state of one topic's disclosure, folded from its events."""

    topic_id: UUID
    community_id: str
    resolution_id: UUID
    measures: tuple[Measure, ...]
    published_at: datetime
    ends_at: datetime
    objections: tuple[Objection, ...] = ()
    outcome: str | None = None
    ended_at: datetime | None = None
    events: tuple[DisclosureEvent, ...] = field(default=(), repr=False)

    @classmethod
    def fold(cls, events: Sequence[object]) -> "Disclosure | None":
        """The disclosure from its stream (None for an empty one); the public copies stored
        beside the domain's own events are skipped."""
        disclosure = None
        for event in events:
            if isinstance(event, DisclosureEvent):
                disclosure = disclosure.apply(event) if disclosure else cls.start(event)
        return disclosure

    @classmethod
    def start(cls, event: DisclosureEvent) -> "Disclosure":
        if not isinstance(event, ResolutionPublished):
            raise ValueError("a disclosure's history starts with ResolutionPublished")
        return cls(event.topic_id, event.community_id, event.resolution_id, event.measures, event.published_at,
                   event.ends_at, events=(event,))

    def apply(self, event: DisclosureEvent) -> "Disclosure":
        """The state after one more event."""
        if event.topic_id != self.topic_id:
            raise ValueError("an event of another topic")
        events = self.events + (event,)
        if isinstance(event, ObjectionRaised):
            return replace(self, objections=self.objections + (Objection(event.objection_id, event.text, event.raised_at),), events=events)
        if isinstance(event, ObjectionAssessed):
            objections = tuple(
                replace(o, substantive=event.substantive, reason=event.reason) if o.objection_id == event.objection_id else o
                for o in self.objections
            )
            return replace(self, objections=objections, events=events)
        if isinstance(event, DisclosureReturnedToCouncil):
            return replace(self, outcome=event.outcome, ended_at=event.returned_at, events=events)
        if isinstance(event, DisclosureConcluded):
            return replace(self, outcome=event.outcome, ended_at=event.concluded_at, events=events)
        raise ValueError(f"not an event of a running disclosure: {type(event).__name__}")

    # queries
    def accepts_objections(self, now: datetime) -> bool:
        return self.outcome is None and self.published_at <= require_aware(now) < self.ends_at

    @property
    def pending_objections(self) -> tuple[Objection, ...]:
        return tuple(o for o in self.objections if not o.assessed)

    @property
    def may_start_implementation(self) -> bool:
        return self.outcome == CLEARED_FOR_IMPLEMENTATION

    # commands
    def object(self, text: str, *, now: datetime, objection_id: UUID | None = None) -> ObjectionRaised:
        """A resident objects (提出异议). No name or contact is asked for, and none may be written in."""
        require_aware(now)
        # Once the period is over a resident is told so, whether or not the duty concluded it yet.
        if self.outcome != RETURNED_TO_COUNCIL and now >= self.ends_at:
            raise PublicationRefused(
                "disclosure_period_over",
                f"公示期已于{self.ends_at.astimezone(CHINA_TIME):%Y-%m-%d %H:%M}（北京时间）结束，不能再提出异议",
                f"the disclosure period ended at {self.ends_at.isoformat()}; objections are no longer accepted",
            )
        self._require_open()
        if now < self.published_at:
            raise PublicationRefused("disclosure_not_started", "公示尚未开始，暂不能提出异议", "the disclosure has not started yet")
        cleaned = clean_text(text, field_zh="异议内容", field_en="objection", min_chars=OBJECTION_MIN_CHARS, max_chars=OBJECTION_MAX_CHARS)
        if _PHONE.search(cleaned) or _ID_CARD.search(cleaned):
            raise PublicationRefused(
                "personal_data_in_objection",
                "异议会公开显示，请不要填写手机号或身份证号",
                "objections are public: leave out phone and ID-card numbers",
                kind=INVALID,
            )
        return ObjectionRaised(self.topic_id, objection_id or uuid4(), cleaned, now)

    def assess(
        self, objection_id: UUID, *, substantive: bool, reason: str, assessed_by: str, now: datetime
    ) -> list[DisclosureEvent]:
        """A council worker marks an objection substantive (实质性异议) or not, with a reason."""
        require_aware(now)
        self._require_open()
        objection = next((o for o in self.objections if o.objection_id == objection_id), None)
        if objection is None:
            raise PublicationRefused("unknown_objection", "找不到这条异议", "no such objection in this disclosure",
                                     kind=NOT_FOUND)
        if objection.assessed:
            raise PublicationRefused("objection_already_assessed", "这条异议已经认定过", "this objection has already been assessed")
        if not assessed_by.strip():
            raise PublicationRefused("assessor_required", "须注明认定人", "the assessing worker must be named", kind=INVALID)
        cleaned = clean_text(reason, field_zh="认定理由", field_en="reason", min_chars=REASON_MIN_CHARS, max_chars=REASON_MAX_CHARS)
        assessed = ObjectionAssessed(self.topic_id, objection_id, substantive, cleaned, assessed_by.strip(), now)
        if substantive:
            return [assessed, DisclosureReturnedToCouncil(self.topic_id, objection_id, now)]
        return [assessed]

    def conclude(self, *, now: datetime) -> DisclosureConcluded:
        """The period is over without a substantive objection: clear the way to implementation."""
        require_aware(now)
        self._require_open()
        if now < self.ends_at:
            raise PublicationRefused(
                "disclosure_period_running",
                f"公示期至{self.ends_at:%Y-%m-%d %H:%M}结束，结束前不能开始落实",
                f"the disclosure period runs until {self.ends_at.isoformat()}",
            )
        if self.pending_objections:
            raise PublicationRefused(
                "objections_pending",
                "还有异议未认定，须先逐条认定",
                "every objection must be assessed before the disclosure concludes",
            )
        return DisclosureConcluded(self.topic_id, now)

    def conclude_when_due(self, *, now: datetime) -> list[DisclosureEvent]:
        """The periodic duty's decision: conclude once the period is over and every objection is
        assessed; until then (or once the disclosure has ended) there is nothing to do."""
        if self.outcome is not None or self.pending_objections or require_aware(now) < self.ends_at:
            return []
        return [self.conclude(now=now)]

    def _require_open(self) -> None:
        if self.outcome == RETURNED_TO_COUNCIL:
            raise PublicationRefused(
                "disclosure_ended", "该协商意见因实质性异议已退回议事会，公示已结束", "the topic was returned to the council; the disclosure is over"
            )
        if self.outcome is not None:
            raise PublicationRefused("disclosure_ended", "公示已结束", "the disclosure has already concluded")
