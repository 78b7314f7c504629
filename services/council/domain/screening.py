"""Screening a topic (确定议题), step 2 of the six-step procedure.

The council takes a topic up in one of the seven categories, rejects it for one of the
seven exclusion reasons (with an explanation and, where it fits, a referral), merges it
into an earlier topic of the same community, or returns it to the submitter for details.
A topic's status is the lifecycle's (``yishi_contracts.lifecycle``), kept by the council's view.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

from yishi_contracts import Accepted, ExclusionReason, Merged, Referral, Rejected, Returned, Status, TopicScreened
from yishi_contracts.lifecycle import label

from services.kit.refusal import INVALID

from .council import Council
from .refusal import CouncilRefused, local_date

Decision = Accepted | Rejected | Merged | Returned

AWAITING_SCREENING = frozenset({Status.submitted, Status.resubmitted})


@dataclass(frozen=True)
class TopicRef:
    """What the council knows of a topic: enough to screen it or to merge into it."""

    topic_id: UUID
    community_id: str
    title: str
    status: Status
    submitted_at: datetime


@dataclass(frozen=True)
class ScreenTopic:
    """Command: the council decides one topic. ``merge_target`` is the topic a Merged points to."""

    topic: TopicRef
    decision: Decision
    screened_by: str
    merge_target: TopicRef | None = None


@dataclass(frozen=True)
class Screening:
    """The council's decisions on one topic so far (its screening stream), oldest first."""

    decisions: tuple[TopicScreened, ...] = ()

    @classmethod
    def fold(cls, events: Sequence[object]) -> "Screening":
        screening = cls()
        for event in events:
            screening = screening.apply(event)
        return screening

    def apply(self, event: object) -> "Screening":
        return Screening((*self.decisions, event)) if isinstance(event, TopicScreened) else self

    def screen(self, council: Council, command: ScreenTopic, *, now: datetime) -> list[object]:
        """Decide the topic's screening (again, once it is resubmitted): the public TopicScreened."""
        return [screen(council, command, now=now)]


def screen(council: Council, command: ScreenTopic, *, now: datetime) -> TopicScreened:
    """Decide a screening; return the public event, or raise CouncilRefused."""
    topic, decision = command.topic, command.decision
    on = local_date(now)
    if topic.community_id != council.community_id:
        raise CouncilRefused(
            "other_community", "该议题不属于本社区协商议事会", "the topic belongs to another community's council"
        )
    council.ensure_can_act(on)
    if not (council.is_chair(command.screened_by) or council.serving_member(command.screened_by, on)):
        raise CouncilRefused(
            "not_a_screener",
            "只有协商议事会主席或经党委确认的在任固定成员可以确定议题",
            "only the chair or a confirmed serving fixed member may screen topics",
        )
    if topic.status not in AWAITING_SCREENING:
        raise CouncilRefused(
            "not_awaiting_screening",
            f"该议题当前状态为“{label(topic.status)}”，不在待确定议题之列",
            f"the topic is '{topic.status}', not awaiting screening",
        )
    if isinstance(decision, Merged):
        _check_merge(topic, decision, command.merge_target)
    return TopicScreened(
        topic_id=topic.topic_id,
        community_id=topic.community_id,
        council_id=council.council_id,
        decision=decision,
        screened_by=command.screened_by,
        screened_at=now,
    )


def _check_merge(topic: TopicRef, decision: Merged, target: TopicRef | None) -> None:
    if decision.merged_into == topic.topic_id:
        raise CouncilRefused("merge_into_itself", "议题不能合并到自身", "a topic cannot be merged into itself", kind=INVALID)
    if target is None or target.topic_id != decision.merged_into:
        raise CouncilRefused(
            "merge_target_unknown", "找不到要合并到的议题", "the topic to merge into is not known"
        )
    if target.community_id != topic.community_id:
        raise CouncilRefused(
            "merge_other_community", "只能合并到本社区的议题", "a topic can only be merged into one of the same community"
        )
    if target.status == Status.merged:
        raise CouncilRefused(
            "merge_into_merged",
            "目标议题本身已被合并，请合并到其最终议题",
            "the target was itself merged; merge into the topic it was merged into",
        )
    if target.submitted_at > topic.submitted_at:
        raise CouncilRefused(
            "merge_into_later", "只能合并到更早提交的议题", "a topic can only be merged into an earlier one"
        )


@dataclass(frozen=True)
class ScreeningTemplate:
    """A reusable answer (答复模板) a secretary picks: rejection text per exclusion reason, or a return text.

    ``text`` may contain ``{title}``, replaced by the topic's title; other braces stay as written.
    """

    name: str
    kind: Literal["rejection", "return"]
    text: str
    reason: ExclusionReason | None = None
    referral: Referral | None = None

    def __post_init__(self) -> None:
        if not self.name.strip() or len(self.text.strip()) < 5:
            raise CouncilRefused(
                "template_incomplete", "模板须有名称，正文不少于5个字", "a template needs a name and a text of at least 5 characters",
                kind=INVALID,
            )
        if self.kind == "rejection" and self.reason is None:
            raise CouncilRefused(
                "template_reason_required", "不予协商模板须注明不予协商的理由类别", "a rejection template names its exclusion reason",
                kind=INVALID,
            )
        if self.kind == "return" and (self.reason is not None or self.referral is not None):
            raise CouncilRefused(
                "template_return_no_reason", "退回补充模板不注明不予协商理由或转介", "a return template has no exclusion reason or referral",
                kind=INVALID,
            )

    def render(self, title: str) -> str:
        return self.text.replace("{title}", title.strip())

    def decision(self, topic: TopicRef) -> Rejected | Returned:
        """The decision this template gives for one topic (explanation validated by the contract)."""
        if self.kind == "rejection":
            return Rejected(reason=self.reason, explanation=self.render(topic.title), referral=self.referral)
        return Returned(details_requested=self.render(topic.title))


def templates_for(reason: ExclusionReason, templates: list[ScreeningTemplate]) -> list[ScreeningTemplate]:
    """The rejection templates for one exclusion reason, by name."""
    return sorted((t for t in templates if t.reason == reason), key=lambda t: t.name)
