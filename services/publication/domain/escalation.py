"""Results conversion (成果转化): escalating what the community cannot settle to the county CPPCC.

Two grounds allow it: a topic rejected at screening as beyond the community's authority
(超出职能权限), or a resolution the council marks as needing a higher level. The matter goes
to the county CPPCC (县政协) once, as a CPPCC proposal (提案) or a social-conditions report
(社情民意信息), with a summary.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID, uuid4

from yishi_contracts import (
    EscalationGround,
    EscalationKind,
    ExclusionReason,
    Rejected,
    ResolutionAdopted,
    TopicScreened,
    label_zh,
)

from .refusal import INVALID, PublicationRefused, clean_text, require_aware

COUNTY_CPPCC = "county_cppcc"


_NOT_ESCALATED: dict[ExclusionReason, tuple[str, str]] = {
    ExclusionReason.individual_dispute: (
        "个体矛盾应通过人民调解等途径解决，不能作为政协提案或社情民意上报",
        "an individual dispute belongs to mediation, not to a CPPCC proposal or report",
    ),
    ExclusionReason.prescribed_by_law: (
        "法律已有规定的事项依法办理，无需转化上报",
        "a matter prescribed by law follows the law; it is not escalated",
    ),
    ExclusionReason.mandated_by_party_government: (
        "党委政府已明确要求的事项按要求执行，无需转化上报",
        "a matter the party/government already mandated is carried out, not escalated",
    ),
    ExclusionReason.unfair: ("不公平事项不能转化上报", "an unfair matter is not escalated"),
    ExclusionReason.serious_disagreement: (
        "存在严重分歧的事项应先在社区凝聚共识，不能直接上报",
        "a matter in serious disagreement needs consensus in the community first, not escalation",
    ),
    ExclusionReason.infeasible: (
        "不具备实施条件的事项不能转化上报；只有超出职能权限的事项可以上报",
        "an infeasible matter is not escalated; only matters beyond the community's authority are",
    ),
}


@dataclass(frozen=True)
class EscalationGroundRecorded:
    topic_id: UUID
    community_id: str
    ground: EscalationGround
    detail: str
    recorded_at: datetime


@dataclass(frozen=True)
class EscalationFiled:
    """The matter went to the county CPPCC as a proposal or a social-conditions report."""

    topic_id: UUID
    community_id: str
    escalation_id: UUID
    kind: EscalationKind
    ground: EscalationGround
    summary: str
    escalated_by: str
    escalated_at: datetime
    addressee: str = COUNTY_CPPCC


EscalationEvent = EscalationGroundRecorded | EscalationFiled


def ground_from_screening(screened: TopicScreened) -> EscalationGroundRecorded:
    """A topic rejected as beyond the community's authority may be escalated; nothing else may."""
    decision = screened.decision
    if not isinstance(decision, Rejected):
        raise PublicationRefused(
            "not_rejected",
            "该议题未被不予协商，应在社区按程序协商落实，不能转化上报",
            f"the topic was {decision.outcome}, not rejected; it is consulted in the community, not escalated",
        )
    if decision.reason != ExclusionReason.beyond_authority:
        zh, en = _NOT_ESCALATED[decision.reason]
        raise PublicationRefused(
            "ground_not_escalable", f"不予协商理由为“{label_zh(decision.reason)}”：{zh}", f"rejected as {decision.reason}: {en}"
        )
    return EscalationGroundRecorded(
        screened.topic_id, screened.community_id, EscalationGround.beyond_authority, decision.explanation, screened.screened_at
    )


def ground_from_resolution(resolution: ResolutionAdopted, *, note: str, now: datetime) -> EscalationGroundRecorded:
    """The council marks a resolution as needing a higher level (需上级解决), saying why."""
    require_aware(now)
    detail = clean_text(note, field_zh="需上级解决的说明", field_en="note on why a higher level is needed", min_chars=5, max_chars=2000)
    return EscalationGroundRecorded(
        resolution.topic_id, resolution.community_id, EscalationGround.needs_higher_level, detail, now
    )


@dataclass(frozen=True)
class Escalation:
    """One topic's results conversion, folded from its events."""

    topic_id: UUID
    community_id: str
    ground: EscalationGround | None = None
    escalated: EscalationFiled | None = None
    events: tuple[EscalationEvent, ...] = field(default=(), repr=False)

    @classmethod
    def fold(cls, events: Sequence[object]) -> "Escalation | None":
        """The escalation from its stream (None for an empty one); public copies are skipped."""
        escalation = None
        for event in events:
            if isinstance(event, EscalationEvent):
                escalation = escalation or cls(event.topic_id, event.community_id)
                escalation = escalation.apply(event)
        return escalation

    def apply(self, event: EscalationEvent) -> "Escalation":
        if event.topic_id != self.topic_id:
            raise ValueError("an event of another topic")
        events = self.events + (event,)
        if isinstance(event, EscalationGroundRecorded):
            return replace(self, ground=event.ground, events=events)
        if isinstance(event, EscalationFiled):
            return replace(self, escalated=event, events=events)
        raise ValueError(f"not an escalation event: {type(event).__name__}")

    def escalate(
        self, kind: EscalationKind | str, summary: str, *, escalated_by: str, now: datetime, escalation_id: UUID | None = None
    ) -> EscalationFiled:
        """Send the matter to the county CPPCC as a proposal or a social-conditions report."""
        require_aware(now)
        if self.escalated is not None:
            raise PublicationRefused(
                "already_escalated",
                f"该事项已于{self.escalated.escalated_at:%Y-%m-%d}上报县政协，不能重复上报",
                f"this matter was already escalated on {self.escalated.escalated_at.date().isoformat()}",
            )
        if self.ground is None:
            raise PublicationRefused(
                "no_escalation_ground",
                "只有超出职能权限的议题或议事会认定需上级解决的协商意见才能转化上报",
                "only a topic beyond the community's authority, or a resolution marked as needing a higher level, is escalated",
            )
        try:
            value = EscalationKind(kind)
        except ValueError:
            raise PublicationRefused(
                "invalid_kind", "转化形式只能是政协提案或社情民意信息", "escalation is a cppcc_proposal or a social_conditions_report",
                kind=INVALID,
            ) from None
        if not escalated_by.strip():
            raise PublicationRefused("escalator_required", "须注明上报人", "the person escalating must be named", kind=INVALID)
        text = clean_text(summary, field_zh="上报摘要", field_en="summary", min_chars=10, max_chars=3000)
        return EscalationFiled(
            self.topic_id, self.community_id, escalation_id or uuid4(), value, self.ground, text, escalated_by.strip(), now
        )
