"""Pre-meeting research (议前调研), step 3: "不调研不协商" — no consultation without research.

Confirmed fixed members are assigned to an accepted topic, visit the site, record their
findings and feasibility, draft the consultation plan (议事方案) and name the invitees (X)
to invite. Event-sourced like the council: commands are pure decisions returning the new
events, ``apply`` folds them. Completing produces the public ``ResearchCompleted``; a
meeting's deferral or an upheld objection reopens it (the public ``ResearchReopened``).
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from yishi_contracts import Feasibility, Invitee, ResearchCompleted, ResearchReopened, SiteVisit, Status
from yishi_contracts.lifecycle import label

from services.kit.refusal import INVALID

from .council import Council
from .refusal import CouncilRefused, local_date
from .screening import TopicRef

MIN_TEXT, MAX_TEXT = 5, 2000  # the contract's Explanation bounds for findings and plan


@dataclass(frozen=True)
class ResearchOpened:
    topic_id: UUID
    community_id: str
    council_id: UUID
    at: datetime


@dataclass(frozen=True)
class ResearchersAssigned:
    topic_id: UUID
    member_ids: tuple[str, ...]
    at: datetime


@dataclass(frozen=True)
class SiteVisitRecorded:
    topic_id: UUID
    visit: SiteVisit
    at: datetime


@dataclass(frozen=True)
class FindingsRecorded:
    topic_id: UUID
    findings: str
    feasibility: Feasibility
    at: datetime


@dataclass(frozen=True)
class PlanDrafted:
    topic_id: UUID
    plan: str
    invitees: tuple[Invitee, ...]
    at: datetime


ReopenCause = Literal["deferred_by_meeting", "objection_upheld"]


def open_research(council: Council, topic: TopicRef, *, now: datetime) -> list[object]:
    """Command: start researching a topic the council accepted (the first event of its stream)."""
    local_date(now)
    if topic.community_id != council.community_id:
        raise CouncilRefused("other_community", "该议题不属于本社区协商议事会", "the topic belongs to another community's council")
    if topic.status != Status.accepted:
        raise CouncilRefused(
            "topic_not_accepted",
            f"只有已立项的议题才能开展议前调研（当前状态：{label(topic.status)}）",
            f"only an accepted topic can be researched (it is '{topic.status}')",
        )
    return [ResearchOpened(topic.topic_id, topic.community_id, council.council_id, now)]


@dataclass(frozen=True)
class Research:
    topic_id: UUID
    community_id: str
    council_id: UUID
    researchers: tuple[str, ...] = ()
    site_visits: tuple[SiteVisit, ...] = ()
    findings: str | None = None
    feasibility: Feasibility | None = None
    plan: str | None = None
    invitees: tuple[Invitee, ...] = ()
    completed: bool = False

    @classmethod
    def fold(cls, events: Sequence[object]) -> "Research | None":
        """The research a stream describes; None before it is opened."""
        research = None
        for event in events:
            if research is not None:
                research = research.apply(event)
            elif isinstance(event, ResearchOpened):
                research = cls(event.topic_id, event.community_id, event.council_id)
            else:
                raise ValueError("a research stream starts with ResearchOpened")
        return research

    def apply(self, event: object) -> "Research":
        changes: dict[str, object] = {}
        if isinstance(event, ResearchersAssigned):
            changes["researchers"] = self.researchers + tuple(m for m in event.member_ids if m not in self.researchers)
        elif isinstance(event, SiteVisitRecorded):
            changes["site_visits"] = self.site_visits + (event.visit,)
        elif isinstance(event, FindingsRecorded):
            changes.update(findings=event.findings, feasibility=event.feasibility)
        elif isinstance(event, PlanDrafted):
            changes.update(plan=event.plan, invitees=event.invitees)
        elif isinstance(event, ResearchCompleted):
            changes["completed"] = True
        elif isinstance(event, ResearchReopened):
            changes["completed"] = False
        return replace(self, **changes)

    # -- commands ---------------------------------------------------------------------

    def assign(self, council: Council, member_ids: list[str], *, now: datetime) -> list[object]:
        """Assign fixed members; each must be a confirmed fixed member serving today."""
        self._still_open()
        on = local_date(now)
        if not member_ids:
            raise CouncilRefused("researchers_required", "请至少指派1名调研成员", "assign at least one researcher", kind=INVALID)
        if council.council_id != self.council_id:
            raise CouncilRefused("other_council", "调研须由立项的协商议事会开展", "research is done by the council that accepted the topic")
        strangers = [m for m in member_ids if council.serving_member(m, on) is None]
        if strangers:
            raise CouncilRefused(
                "not_a_fixed_member",
                "调研成员须为本协商议事会经党委确认的在任固定成员：" + "、".join(strangers),
                "researchers must be confirmed serving fixed members of this council: " + ", ".join(strangers),
            )
        return [ResearchersAssigned(self.topic_id, tuple(dict.fromkeys(member_ids)), now)]

    def record_visit(self, visited_on: date, place: str, notes: str, *, now: datetime) -> list[object]:
        """A site visit (实地走访) that has taken place."""
        self._still_open()
        if visited_on > local_date(now):
            raise CouncilRefused(
                "visit_in_future", "不能记录尚未发生的实地调研", "a site visit cannot be in the future", kind=INVALID
            )
        if not place.strip() or not notes.strip() or len(place.strip()) > 120 or len(notes.strip()) > MAX_TEXT:
            raise CouncilRefused(
                "visit_incomplete",
                "实地调研须填写地点（120字以内）和记录（2000字以内）",
                "a site visit needs a place (up to 120 characters) and notes (up to 2000)",
                kind=INVALID,
            )
        return [SiteVisitRecorded(self.topic_id, SiteVisit(visited_on=visited_on, place=place, notes=notes), now)]

    def record_findings(self, findings: str, feasibility: Feasibility, *, now: datetime) -> list[object]:
        """The analysis and the feasibility verdict (可行性分析); a later record replaces it."""
        self._still_open()
        _check_text(findings, "调研结论", "findings")
        return [FindingsRecorded(self.topic_id, findings.strip(), Feasibility(feasibility), now)]

    def draft_plan(self, plan: str, invitees: list[Invitee], *, now: datetime) -> list[object]:
        """The draft consultation plan (议事方案) and the X to invite; a later draft replaces it."""
        self._still_open()
        _check_text(plan, "议事方案", "the consultation plan")
        return [PlanDrafted(self.topic_id, plan.strip(), tuple(invitees), now)]

    def complete(self, *, now: datetime) -> list[object]:
        """Close the research: needs researchers, a site visit, findings and a plan."""
        self._still_open()
        missing_zh, missing_en = [], []
        for lacking, zh, en in (
            (not self.researchers, "调研成员", "a researcher"),
            (not self.site_visits, "实地调研记录", "a site visit"),
            (self.findings is None, "调研结论与可行性", "findings and feasibility"),
            (self.plan is None, "议事方案", "a consultation plan"),
        ):
            if lacking:
                missing_zh.append(zh)
                missing_en.append(en)
        if missing_zh:
            raise CouncilRefused(
                "research_incomplete",
                "议前调研尚未完成，缺少：" + "、".join(missing_zh),
                "the research is not complete; missing: " + ", ".join(missing_en),
            )
        return [ResearchCompleted(
            topic_id=self.topic_id,
            community_id=self.community_id,
            council_id=self.council_id,
            researchers=list(self.researchers),
            site_visits=list(self.site_visits),
            findings=self.findings,
            feasibility=self.feasibility,
            consultation_plan=self.plan,
            invitees=list(self.invitees),
            completed_at=now,
        )]

    def reopen(self, cause: ReopenCause, reason: str, *, now: datetime) -> list[object]:
        """Research starts again (a meeting deferred the topic, or an objection was upheld);
        what was gathered stays and can be added to or replaced before completing again."""
        if not self.completed:
            raise CouncilRefused("research_open", "议前调研尚在进行中，无需重新开启", "the research is still open")
        text = reason.strip()[:MAX_TEXT]
        _check_text(text, "重新调研原因", "the reason to reopen")
        return [ResearchReopened(
            topic_id=self.topic_id,
            community_id=self.community_id,
            council_id=self.council_id,
            cause=cause,
            reason=text,
            reopened_at=now,
        )]

    def _still_open(self) -> None:
        if self.completed:
            raise CouncilRefused("research_completed", "议前调研已完成，不能再修改", "the research is already completed")


def _check_text(text: str, zh: str, en: str) -> None:
    if not MIN_TEXT <= len(text.strip()) <= MAX_TEXT:
        raise CouncilRefused(
            "text_length", f"{zh}须为{MIN_TEXT}至{MAX_TEXT}字", f"{en} must be {MIN_TEXT} to {MAX_TEXT} characters",
            kind=INVALID,
        )
